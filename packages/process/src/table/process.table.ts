import { readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  clockTicksPerSecond,
  listPids,
  pageSizeBytes,
  processStartTimeMs,
  readCmdline,
  readProcStat,
} from '@vitals/core';
import type { ProcStat } from '@vitals/core';
import { readUserNames } from './user.names';

/** One row of the process table. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Owner (effective uid of the `/proc/<pid>` directory). */
  readonly uid: number;
  /** Owner's name, or the uid as text when `/etc/passwd` does not list it. */
  readonly user: string;
  /** One letter of `man 5 proc`: R, S, D, Z, T, I… */
  readonly state: string;
  /** Executable name (at most 15 bytes). */
  readonly comm: string;
  /** Arguments; `[]` for kernel threads and zombies. */
  readonly argv: readonly string[];
  /** `argv` joined with spaces, or `[comm]` when argv is empty (as `ps` shows it). */
  readonly command: string;
  /** Start time in epoch ms (10 ms resolution). */
  readonly startTimeMs: number;
  /** Start time in clock ticks after boot: the identity that tells a reused pid apart. */
  readonly startTimeTicks: number;
  readonly rssBytes: number;
  /** CPU used over the whole life of the process, percent of one core (what `ps` shows). */
  readonly cpuPercent: number;
  readonly threads: number;
}

/** Options of {@link readProcessTable}. */
export interface ProcessTableOptions {
  /** The proc mount. @default '/proc' */
  readonly procRoot?: string;
  /** Wall clock used for the lifetime CPU percent. @default Date.now() */
  readonly now?: number;
  /** Skip kernel threads (children of kthreadd, pid 2, and pid 2 itself). @default true */
  readonly skipKernelThreads?: boolean;
  /** For a table read again and again: what a process keeps while it runs is read once. */
  readonly cache?: ProcessTableCache;
}

/** What a process keeps while it runs one program: read once, then taken from the cache. */
interface Kept {
  readonly startTimeTicks: number;
  readonly comm: string;
  readonly argv: readonly string[];
  readonly uid: number;
  cwd?: string;
}

/**
 * What {@link readProcessTable} read of each process that does not change while it runs the same
 * program (its arguments, owner and working folder), so that a table read every 10 s reads
 * `/proc/<pid>/stat` of each process but `cmdline`, the owner and `cwd` only of processes new
 * since the last read: 1 file per process instead of 4. A process is the same while its pid,
 * start time and `comm` are (an `exec` of another program changes `comm`). Kept only from 2 s of
 * age (a fork reads as its parent until it execs), and every `fullEvery`-th read (a supervisor or
 * host: every 5 minutes at the 10 s refresh) reads everything again, which bounds the one thing
 * the cache can miss: a process that re-execs the same program with other arguments, or changes
 * its owner or folder, shows its new ones within that span.
 * @example const cache = new ProcessTableCache(); setInterval(() => readProcessTable({ cache }), 10_000);
 */
export class ProcessTableCache {
  private kept = new Map<number, Kept>();
  private users: Map<number, string> | undefined;
  private reads = 0;
  private seen = new Set<number>();

  /** @param fullEvery - every this many reads, nothing is taken from the cache. @default 30 */
  constructor(private readonly fullEvery = 30) {}

  /** Starts a read; a full one forgets everything. */
  begin(): void {
    if (this.reads++ % this.fullEvery === 0) {
      this.kept.clear();
      this.users = undefined;
    }
    this.seen.clear();
  }

  /** User names, read once per full read. */
  userNames(): Map<number, string> {
    return (this.users ??= readUserNames());
  }

  /** What is kept of `pid` if it still runs the same program. */
  get(pid: number, stat: ProcStat): Kept | undefined {
    this.seen.add(pid);
    const kept = this.kept.get(pid);
    return kept?.startTimeTicks === stat.startTimeTicks && kept.comm === stat.comm
      ? kept
      : undefined;
  }

  /** Keeps what was read of `pid` (a process younger than 2 s is read again next time). */
  keep(pid: number, kept: Kept, ageMs: number): void {
    if (ageMs >= 2000) this.kept.set(pid, kept);
    else this.kept.delete(pid);
  }

  /** `/proc/<pid>/cwd`, read once for a kept process. */
  cwd(pid: number, procRoot = '/proc'): string | undefined {
    const kept = this.kept.get(pid);
    if (kept && kept.cwd !== undefined) return kept.cwd;
    const cwd = processCwd(pid, procRoot);
    if (kept && cwd !== undefined) kept.cwd = cwd;
    return cwd;
  }

  /** Ends a read: processes gone since are forgotten. */
  end(): void {
    for (const pid of this.kept.keys()) if (!this.seen.has(pid)) this.kept.delete(pid);
  }
}

/**
 * Owner of a process: the uid of its `/proc/<pid>` directory (the effective uid, as `ps` shows it),
 * or undefined when the process is gone.
 * @example processOwnerUid(process.pid) === process.geteuid()
 */
export function processOwnerUid(pid: number, root = '/proc'): number | undefined {
  try {
    return statSync(join(root, String(pid))).uid;
  } catch {
    return undefined;
  }
}

/**
 * Reads every process from `/proc` in one pass: per pid one `stat`, one `cmdline` and one
 * directory `stat` for the owner — no `ps`, no spawn. A process that exits mid-read is skipped.
 * @returns rows in pid order; `[]` where `/proc` does not exist.
 * @example readProcessTable().filter((p) => p.command.includes('node'))
 */
export function readProcessTable(options: ProcessTableOptions = {}): ProcessInfo[] {
  const root = options.procRoot ?? '/proc';
  const skipKernel = options.skipKernelThreads ?? true;
  const now = options.now ?? Date.now();
  const cache = options.cache;
  const hz = clockTicksPerSecond();
  const page = pageSizeBytes(root);
  cache?.begin();
  const users = cache ? cache.userNames() : readUserNames();
  const rows: ProcessInfo[] = [];
  for (const pid of listPids(root)) {
    const stat = readProcStat(pid, root);
    if (!stat) continue;
    if (skipKernel && (pid === 2 || stat.ppid === 2)) continue;
    const startTimeMs = processStartTimeMs(stat, root);
    let kept = cache?.get(pid, stat);
    if (!kept) {
      const uid = processOwnerUid(pid, root);
      if (uid === undefined) continue;
      const { startTimeTicks, comm } = stat;
      kept = { startTimeTicks, comm, argv: readCmdline(pid, root) ?? [], uid };
      cache?.keep(pid, kept, now - startTimeMs);
    }
    const { argv, uid } = kept;
    const cpuSeconds = (stat.utimeTicks + stat.stimeTicks) / hz;
    const elapsed = Math.max((now - startTimeMs) / 1000, 1 / hz);
    rows.push({
      pid,
      ppid: stat.ppid,
      uid,
      user: users.get(uid) ?? String(uid),
      state: stat.state,
      comm: stat.comm,
      argv,
      // trimEnd: programs that rewrite their title (npm, PM2) pad argv with spaces.
      command: argv.length > 0 ? argv.join(' ').trimEnd() : `[${stat.comm}]`,
      startTimeMs,
      startTimeTicks: stat.startTimeTicks,
      rssBytes: stat.rssPages * page,
      cpuPercent: Math.min((cpuSeconds / elapsed) * 100, 100 * 1024),
      threads: stat.numThreads,
    });
  }
  cache?.end();
  return rows;
}

/**
 * The working folder of a process (`/proc/<pid>/cwd`), or undefined when it is gone or belongs
 * to another user.
 * @example processCwd(process.pid) === process.cwd()
 */
export function processCwd(pid: number, procRoot = '/proc'): string | undefined {
  try {
    return readlinkSync(join(procRoot, String(pid), 'cwd'));
  } catch {
    return undefined;
  }
}
