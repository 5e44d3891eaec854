import {
  clockTicksPerSecond,
  listPids,
  processStartTimeMs,
  readProcStat,
  readProcStatus,
} from '@vitals/core';

/** One process of a supervised child's tree, read from outside through `/proc`. */
export interface TreeProcess {
  readonly pid: number;
  readonly ppid: number;
  /** `/proc/<pid>/status` VmRSS, bytes (0 for a zombie or a kernel thread). */
  readonly rssBytes: number;
}

/** The child's own figures, read from `/proc/<pid>/stat` and `/proc/<pid>/status`. */
export interface ChildFigures {
  /** VmRSS, bytes. */
  readonly rssBytes: number;
  /** utime + stime, seconds (`/proc/<pid>/stat` fields 14 and 15 over CLK_TCK). */
  readonly cpuSeconds: number;
  /** Start time, epoch seconds (boot time + field 22 over CLK_TCK). */
  readonly startTimeSeconds: number;
}

/** VmRSS of `/proc/<pid>/status` in bytes; `undefined` when the process is gone. */
export function readRssBytes(pid: number, procRoot?: string): number | undefined {
  const vmRss = readProcStatus(pid, procRoot)?.VmRSS;
  if (vmRss === undefined) return readProcStatus(pid, procRoot) ? 0 : undefined; // zombie: no VmRSS
  const kb = Number.parseInt(vmRss, 10);
  return Number.isFinite(kb) ? kb * 1024 : undefined;
}

/**
 * RSS, CPU time and start time of one process, from outside; `undefined` when it is gone.
 * @example readChildFigures(child.pid)?.cpuSeconds
 */
export function readChildFigures(pid: number, procRoot?: string): ChildFigures | undefined {
  const stat = readProcStat(pid, procRoot);
  const rssBytes = readRssBytes(pid, procRoot);
  if (!stat || rssBytes === undefined) return undefined;
  const hz = clockTicksPerSecond();
  return {
    rssBytes,
    cpuSeconds: (stat.utimeTicks + stat.stimeTicks) / hz,
    startTimeSeconds: processStartTimeMs(stat, procRoot) / 1000,
  };
}

/**
 * The process tree under `rootPid` (the root included, first), by one scan of `/proc/<pid>/stat`
 * parent pids: this kernel has no `/proc/<pid>/task/<tid>/children` (CONFIG_PROC_CHILDREN is
 * off on many distributions), and no process is spawned. A process that a descendant started and
 * then left (re-parented to init) is no longer part of the tree. `[]` when the root is gone.
 * @example readProcessTree(child.pid).reduce((sum, p) => sum + p.rssBytes, 0)
 */
export function readProcessTree(rootPid: number, procRoot?: string): TreeProcess[] {
  const byParent = new Map<number, number[]>();
  for (const pid of listPids(procRoot)) {
    if (pid === rootPid) continue;
    const ppid = readProcStat(pid, procRoot)?.ppid;
    if (ppid === undefined) continue;
    const list = byParent.get(ppid);
    if (list) list.push(pid);
    else byParent.set(ppid, [pid]);
  }
  const out: TreeProcess[] = [];
  const rootRss = readRssBytes(rootPid, procRoot);
  if (rootRss === undefined) return out;
  out.push({ pid: rootPid, ppid: readProcStat(rootPid, procRoot)?.ppid ?? 0, rssBytes: rootRss });
  const queue: [number, number][] = (byParent.get(rootPid) ?? []).map((p) => [p, rootPid]);
  const seen = new Set([rootPid]);
  while (queue.length > 0) {
    const [pid, ppid] = queue.shift() as [number, number];
    if (seen.has(pid)) continue;
    seen.add(pid);
    const rssBytes = readRssBytes(pid, procRoot);
    if (rssBytes === undefined) continue;
    out.push({ pid, ppid, rssBytes });
    for (const c of byParent.get(pid) ?? []) queue.push([c, pid]);
  }
  return out;
}
