import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import {
  clockTicksPerSecond,
  listPids,
  pageSizeBytes,
  parseProcStat,
  processStartTimeMs,
  readProcStat,
  readProcStatus,
} from '@vitals/core';
import type { ProcStat } from '@vitals/core';

const PROC = '/proc';
/** Codes of a process that is gone (or a file that cannot be read): a reading is absent. */
const GONE = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM', 'ENOTDIR', 'EINVAL']);

/** One process of a supervised child's tree, read from outside through `/proc`. */
export interface TreeProcess {
  readonly pid: number;
  readonly ppid: number;
  /** RSS in bytes: `/proc/<pid>/stat` rss × page size, which is VmRSS (0 for a zombie). */
  readonly rssBytes: number;
}

/** The child's own figures, read from `/proc/<pid>/stat`. */
export interface ChildFigures {
  /** RSS, bytes: field 24 (pages) × page size, the same counters as `status` VmRSS. */
  readonly rssBytes: number;
  /** utime + stime, seconds (`/proc/<pid>/stat` fields 14 and 15 over CLK_TCK). */
  readonly cpuSeconds: number;
  /** Start time, epoch seconds (boot time + field 22 over CLK_TCK). */
  readonly startTimeSeconds: number;
}

const VM_RSS = ['VmRSS'];

/** VmRSS of `/proc/<pid>/status` in bytes; `undefined` when the process is gone. */
export function readRssBytes(pid: number, procRoot?: string): number | undefined {
  const status = readProcStatus(pid, procRoot, VM_RSS);
  if (status === undefined) return undefined;
  const vmRss = status.VmRSS;
  if (vmRss === undefined) return 0; // zombie: no VmRSS
  const kb = Number.parseInt(vmRss, 10);
  return Number.isFinite(kb) ? kb * 1024 : undefined;
}

function figuresOf(stat: ProcStat, procRoot: string): ChildFigures {
  return {
    rssBytes: stat.rssPages * pageSizeBytes(procRoot),
    cpuSeconds: (stat.utimeTicks + stat.stimeTicks) / clockTicksPerSecond(),
    startTimeSeconds: processStartTimeMs(stat, procRoot) / 1000,
  };
}

/**
 * RSS, CPU time and start time of one process, from outside; `undefined` when it is gone.
 * @example readChildFigures(child.pid)?.cpuSeconds
 */
export function readChildFigures(pid: number, procRoot = PROC): ChildFigures | undefined {
  const stat = readProcStat(pid, procRoot);
  return stat && figuresOf(stat, procRoot);
}

/**
 * {@link readChildFigures} for one child read every second: `/proc/<pid>/stat` is opened once and
 * read again from offset 0 (the kernel regenerates it on each read), so a reading is one `pread`,
 * not a path lookup, an open and a close. The descriptor names the process, not the number: once
 * the child is gone, reads fail with ESRCH (→ `undefined`) even if its pid is reused. Close-on-exec
 * (Node's default), so no child inherits it. `close()` when the child exits.
 * @example const reader = new ChildStatReader(child.pid); reader.read()?.rssBytes; reader.close();
 */
export class ChildStatReader {
  private fd: number | undefined;
  private readonly buf = Buffer.allocUnsafe(1024);
  private closed = false;

  constructor(
    readonly pid: number,
    private readonly procRoot = PROC,
  ) {}

  /** The figures now; `undefined` once the process is gone. Throws on EMFILE, EIO. */
  read(): ChildFigures | undefined {
    const stat = this.stat();
    return stat && figuresOf(stat, this.procRoot);
  }

  /** The whole `stat` now (one `pread`); `undefined` once it is gone. Throws on EMFILE, EIO. */
  stat(): ProcStat | undefined {
    if (this.closed) return undefined;
    try {
      this.fd ??= openSync(join(this.procRoot, String(this.pid), 'stat'), 'r');
      const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      return parseProcStat(this.buf.toString('latin1', 0, n));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!GONE.has(code)) {
        this.dropFd(); // reopened on the next reading
        throw error;
      }
      return undefined;
    }
  }

  /** Closes the descriptor; later readings give `undefined`. Idempotent. */
  close(): void {
    this.closed = true;
    this.dropFd();
  }

  private dropFd(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already unusable
    }
    this.fd = undefined;
  }
}

/**
 * The process tree under one root pid, scanned again and again (every 10 s for a supervised
 * child, every second in `tree` scope) at the cost of the processes that are new since the last
 * scan, not of every process on the machine. A process that was outside the tree at one scan
 * cannot enter it later: a parent never changes except to a reaper, so a new descendant is always
 * a new process. Only pid reuse could hide one (a number seen outside, freed, then given to a new
 * descendant before the next scan), so every `fullEvery`-th scan reads every process again (the
 * supervisor asks for one every 5 minutes).
 *
 * One scan: the list of `/proc`, then `/proc/<pid>/stat` of the tree's members and of the pids
 * not seen before (this kernel has no `/proc/<pid>/task/<tid>/children`: CONFIG_PROC_CHILDREN is
 * off on many distributions). A process that a descendant started and then left (re-parented to
 * init) is no longer part of the tree.
 * @example const scanner = new ProcessTreeScanner(child.pid); scanner.scan().length
 */
export class ProcessTreeScanner {
  /** Pids outside the tree at the last scan. */
  private outside = new Set<number>();
  private scans = 0;

  constructor(
    readonly rootPid: number,
    private readonly procRoot = PROC,
    /** Every this many scans, every process is read again (a supervisor: every 5 min). @default 30 */
    private readonly fullEvery = 30,
    /** The root's `stat` (a {@link ChildStatReader}'s open descriptor). @default a fresh read */
    private readonly readRoot: () => ProcStat | undefined = () => readProcStat(rootPid, procRoot),
  ) {}

  /** The tree now, the root first; `[]` when the root is gone. */
  scan(): TreeProcess[] {
    const { rootPid, procRoot } = this;
    const full = this.scans++ % this.fullEvery === 0;
    const pids = listPids(procRoot);
    const byParent = new Map<number, number[]>();
    const stats = new Map<number, ProcStat>();
    for (const pid of pids) {
      if (pid === rootPid || (!full && this.outside.has(pid))) continue;
      const stat = readProcStat(pid, procRoot);
      if (stat === undefined) continue;
      stats.set(pid, stat);
      const list = byParent.get(stat.ppid);
      if (list) list.push(pid);
      else byParent.set(stat.ppid, [pid]);
    }
    const out: TreeProcess[] = [];
    const root = this.readRoot();
    if (root === undefined) {
      this.outside.clear();
      return out;
    }
    const page = pageSizeBytes(procRoot);
    out.push({ pid: rootPid, ppid: root.ppid, rssBytes: root.rssPages * page });
    const inTree = new Set([rootPid]);
    const queue: number[] = [...(byParent.get(rootPid) ?? [])];
    while (queue.length > 0) {
      const pid = queue.shift() as number;
      const stat = stats.get(pid);
      if (inTree.has(pid) || stat === undefined) continue;
      inTree.add(pid);
      out.push({ pid, ppid: stat.ppid, rssBytes: stat.rssPages * page });
      for (const c of byParent.get(pid) ?? []) queue.push(c);
    }
    this.outside = new Set(pids.filter((pid) => !inTree.has(pid)));
    return out;
  }
}

/**
 * The process tree under `rootPid` (the root included, first), by one scan of every
 * `/proc/<pid>/stat` parent pid (see {@link ProcessTreeScanner} for repeated scans). `[]` when the
 * root is gone.
 * @example readProcessTree(child.pid).reduce((sum, p) => sum + p.rssBytes, 0)
 */
export function readProcessTree(rootPid: number, procRoot = PROC): TreeProcess[] {
  return new ProcessTreeScanner(rootPid, procRoot).scan();
}
