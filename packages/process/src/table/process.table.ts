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
  const hz = clockTicksPerSecond();
  const page = pageSizeBytes(root);
  const users = readUserNames();
  const rows: ProcessInfo[] = [];
  for (const pid of listPids(root)) {
    const stat = readProcStat(pid, root);
    if (!stat) continue;
    if (skipKernel && (pid === 2 || stat.ppid === 2)) continue;
    const argv = readCmdline(pid, root) ?? [];
    const uid = processOwnerUid(pid, root);
    if (uid === undefined) continue;
    const startTimeMs = processStartTimeMs(stat, root);
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
