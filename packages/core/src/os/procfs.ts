import { closeSync, openSync, readSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VitalsError } from '../errors';

/**
 * Synchronous readers of Linux `/proc` (see `man 5 proc`). These pseudo-files are tiny and served
 * from kernel memory, so a `readFileSync` costs microseconds: no process spawns, no async hop.
 *
 * Failure policy, the same for every reader: a process that vanished (`ENOENT`, `ESRCH`), a file
 * the caller may not read (`EACCES`, `EPERM`: another user's `/proc/<pid>/fd`, `limits` under
 * hidepid) and a missing `/proc` (macOS, Windows) all give `undefined` (or `[]`/`{}`), never a
 * throw. Other I/O errors (`EMFILE`, `EIO`) are thrown so the calling collector reports them.
 * An invalid pid is a programming error: `VitalsError` `ERR_INVALID_ARGUMENT`.
 */
/** The proc mount every reader defaults to. @internal */
export const DEFAULT_PROC_ROOT = '/proc';
const ABSENT = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM', 'ENOTDIR', 'EINVAL', 'ENODEV']);

/** A process id, or `'self'` for the calling process. */
type Pid = number | 'self';

/** Fields of `/proc/<pid>/stat` (`man 5 proc`, fields 1–5, 14, 15, 20, 22–24). */
export interface ProcStat {
  pid: number;
  /** Executable name (at most 15 bytes), without the surrounding parentheses; may hold spaces. */
  comm: string;
  /** One letter: R running, S sleeping, D disk sleep, Z zombie, T stopped, I idle, … */
  state: string;
  ppid: number;
  pgrp: number;
  /** User-mode CPU time in clock ticks (see {@link clockTicksPerSecond}). */
  utimeTicks: number;
  /** Kernel-mode CPU time in clock ticks. */
  stimeTicks: number;
  numThreads: number;
  /** Start time after boot, in clock ticks (see {@link processStartTimeMs}). */
  startTimeTicks: number;
  vsizeBytes: number;
  /** Resident set size in pages (usually 4096 bytes). */
  rssPages: number;
}

/** Limits of `/proc/<pid>/limits` (`Infinity` = unlimited); absent when the kernel omits one. */
export interface ProcLimits {
  /** `Max open files` (RLIMIT_NOFILE). */
  openFiles?: { soft: number; hard: number };
  /** `Max address space` in bytes (RLIMIT_AS). */
  addressSpace?: { soft: number; hard: number };
  /** `Max processes` (RLIMIT_NPROC, counted per user). */
  processes?: { soft: number; hard: number };
}

/** Runs an fs call; `undefined` for the "gone or unreadable" codes above, rethrows the rest. */
function orAbsent<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (ABSENT.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

/** `/proc` files that stay with this process: the machine's (`/proc/stat`) and its own (`/proc/self/…`). */
const KEEPABLE = /^\/proc\/(?![0-9])[^/]/;
/** At most this many kept open (the collectors read about ten). */
const KEEP_MAX = 24;
const kept = new Map<string, number>();
let scratch: Buffer | undefined;

/**
 * Reads a `/proc` file through a descriptor kept open, from offset 0: the kernel regenerates a
 * seq_file on every read at offset 0, so this gives what a fresh open gives, without the path
 * lookup, open and close (measured 6 µs instead of 20 µs for `/proc/self/stat`). The descriptors
 * are close-on-exec (a child never inherits them) and count among this process's open files.
 */
function readKept(path: string): string {
  let fd = kept.get(path);
  if (fd === undefined) {
    if (kept.size >= KEEP_MAX) return readFileSync(path, 'utf8');
    fd = openSync(path, 'r');
    kept.set(path, fd);
  }
  try {
    for (;;) {
      const buf = (scratch ??= Buffer.allocUnsafe(16 * 1024));
      const n = readSync(fd, buf, 0, buf.length, 0);
      if (n < buf.length) return buf.toString('utf8', 0, n);
      scratch = Buffer.allocUnsafe(buf.length * 2); // larger than the buffer: grow, read again
    }
  } catch (error) {
    kept.delete(path);
    try {
      closeSync(fd);
    } catch {
      // already unusable
    }
    throw error;
  }
}

/**
 * A pseudo-file's text, or `undefined` when it is gone or unreadable (the failure policy above).
 * The machine's and this process's own `/proc` files are read through descriptors kept open (see
 * readKept); another pid's, and any file under another root (a test's fake tree), are opened
 * each time.
 * @example readPseudoFile('/proc/loadavg')
 */
export function readPseudoFile(path: string): string | undefined {
  return orAbsent(() => (KEEPABLE.test(path) ? readKept(path) : readFileSync(path, 'utf8')));
}

/**
 * `<root>/<pid>` for a valid pid, else `VitalsError` `ERR_INVALID_ARGUMENT`. Internal, shared.
 * @internal @example procPidDir('self', '/proc') // '/proc/self'
 */
export function procPidDir(pid: number | 'self', root: string): string {
  if (pid !== 'self' && !(Number.isSafeInteger(pid) && pid > 0)) {
    const msg = `Invalid pid ${String(pid)}: pass a positive integer or 'self'.`;
    throw new VitalsError('ERR_INVALID_ARGUMENT', msg);
  }
  return join(root, String(pid));
}

/**
 * Parses `/proc/<pid>/stat`. The name is split off at the LAST `)`, so a `comm` such as
 * `a) (b c` is kept whole.
 * @param root - the proc mount. @default '/proc'
 * @returns `undefined` when the process is gone or the file is malformed.
 * @example readProcStat('self')?.numThreads
 */
export function readProcStat(pid: Pid, root = DEFAULT_PROC_ROOT): ProcStat | undefined {
  const text = readPseudoFile(join(procPidDir(pid, root), 'stat'));
  return text === undefined ? undefined : parseProcStat(text);
}

/**
 * Parses the text of one `/proc/<pid>/stat` (for a caller that read it itself, such as through a
 * descriptor kept open); see {@link readProcStat}.
 * @returns `undefined` when the text is malformed.
 * @example parseProcStat(text)?.ppid
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // f[0] is field 3 (state); field n of `man 5 proc` is f[n - 3].
  const f = text.slice(close + 2).split(' ');
  if (f.length < 22) return undefined;
  const stat: ProcStat = {
    pid: Number(text.slice(0, open)),
    comm: text.slice(open + 1, close),
    state: f[0],
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    utimeTicks: Number(f[11]),
    stimeTicks: Number(f[12]),
    numThreads: Number(f[17]),
    startTimeTicks: Number(f[19]),
    vsizeBytes: Number(f[20]),
    rssPages: Number(f[21]),
  };
  // A file that is not the kernel's (a truncated read, a fake tree): no NaN ever leaves here.
  for (const key of STAT_NUMBERS) if (!Number.isFinite(stat[key])) return undefined;
  return stat;
}

const STAT_NUMBERS = [
  'pid',
  'ppid',
  'pgrp',
  'utimeTicks',
  'stimeTicks',
  'numThreads',
  'startTimeTicks',
  'vsizeBytes',
  'rssPages',
] as const;

const pageSizes = new Map<string, number>();

/**
 * Bytes per memory page (the unit of `/proc/<pid>/stat` rss), derived once per proc mount from
 * `/proc/self/status` VmRSS (kB) over `/proc/self/stat` rss (pages), rounded to a power of two:
 * Node cannot call `sysconf(_SC_PAGESIZE)`. 4096 when either is unreadable. Both figures are the
 * kernel's same page counters, so `rssPages × pageSizeBytes()` is VmRSS without the longer file.
 * @param root - the proc mount. @default '/proc'
 * @example (readProcStat(pid)?.rssPages ?? 0) * pageSizeBytes()
 */
export function pageSizeBytes(root = DEFAULT_PROC_ROOT): number {
  const cached = pageSizes.get(root);
  if (cached !== undefined) return cached;
  const pages = readProcStat('self', root)?.rssPages ?? 0;
  const kb = Number.parseInt(readProcStatus('self', root)?.VmRSS ?? '', 10);
  const ratio = pages > 0 && kb > 0 ? (kb * 1024) / pages : 4096;
  const size = 2 ** Math.round(Math.log2(ratio));
  pageSizes.set(root, size);
  return size;
}

/**
 * Raw key → value pairs of `/proc/<pid>/status`, whitespace runs collapsed to one space
 * (`VmRSS` → `'12345 kB'`, `Uid` → `'1000 1000 1000 1000'`, `Threads` → `'11'`).
 * @param root - the proc mount. @default '/proc'
 * @param keys - only these keys (found by search, not by parsing all ~55 lines: for callers that
 *   read a status every tick); a key the file lacks is absent.
 * @example Number(readProcStatus('self')?.Threads)
 * @example readProcStatus(pid, '/proc', ['VmRSS'])?.VmRSS // '12345 kB', or undefined for a zombie
 */
export function readProcStatus(
  pid: Pid,
  root = DEFAULT_PROC_ROOT,
  keys?: readonly string[],
): Record<string, string> | undefined {
  const text = readPseudoFile(join(procPidDir(pid, root), 'status'));
  if (text === undefined) return undefined;
  // No prototype: a key such as `__proto__` or `constructor` is just a key.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (keys !== undefined) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      let at = 0;
      if (!text.startsWith(`${key}:`)) {
        at = text.indexOf(`\n${key}:`) + 1;
        if (at === 0) continue;
      }
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const value = text.slice(at + key.length + 1, end).trim();
      out[key] = MULTI_SPACE.test(value) ? value.replace(/\s+/g, ' ') : value;
    }
    return out;
  }
  // By index, not split/trim/replace per line: read every tick for the host itself.
  for (let at = 0; at < text.length;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', at);
    if (colon > at && colon < end) {
      const value = text.slice(colon + 1, end).trim();
      out[text.slice(at, colon)] = MULTI_SPACE.test(value) ? value.replace(/\s+/g, ' ') : value;
    }
    at = end + 1;
  }
  return out;
}

/** A run of whitespace that is not one plain space (tabs between `Uid` columns). */
const MULTI_SPACE = /\s\s|[^\S ]/;

const LIMIT_KEYS: Record<string, keyof ProcLimits> = {
  'Max open files': 'openFiles',
  'Max address space': 'addressSpace',
  'Max processes': 'processes',
};

/** A limit column: `unlimited` → Infinity, a whole number, else NaN (the line is skipped). */
const limitValue = (s: string): number =>
  s === 'unlimited' ? Infinity : /^\d+$/.test(s) ? Number(s) : NaN;

/**
 * Open-file, address-space and process limits of `/proc/<pid>/limits` (`Infinity` = unlimited).
 * @param root - the proc mount. @default '/proc'
 * @example readProcLimits('self')?.openFiles?.soft
 */
export function readProcLimits(pid: Pid, root = DEFAULT_PROC_ROOT): ProcLimits | undefined {
  const text = readPseudoFile(join(procPidDir(pid, root), 'limits'));
  if (text === undefined) return undefined;
  const out: ProcLimits = {};
  for (const line of text.split('\n')) {
    // Columns are `%-25s %-20s %-20s %-10s`; names hold single spaces only.
    const m = /^(\S+(?: \S+)*)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const key = m && LIMIT_KEYS[m[1]];
    if (!m || !key) continue;
    const soft = limitValue(m[2]);
    const hard = limitValue(m[3]);
    if (!Number.isNaN(soft) && !Number.isNaN(hard)) out[key] = { soft, hard };
  }
  return out;
}

/**
 * Command line of `/proc/<pid>/cmdline` split at NULs; `[]` for kernel threads and zombies.
 * @param root - the proc mount. @default '/proc'
 * @example readCmdline('self')?.[0] // '/usr/bin/node'
 */
export function readCmdline(pid: Pid, root = DEFAULT_PROC_ROOT): string[] | undefined {
  const text = readPseudoFile(join(procPidDir(pid, root), 'cmdline'));
  if (text === undefined) return undefined;
  const args = text.split('\0');
  if (args[args.length - 1] === '') args.pop();
  return args;
}

/**
 * Number of entries in `/proc/<pid>/fd`; `undefined` when the process is gone or the directory is
 * not readable (`EACCES`: another user's process). For the calling process the count includes the
 * descriptor used to list the directory.
 * @param root - the proc mount. @default '/proc'
 * @example countOpenFds(process.pid)
 */
export function countOpenFds(pid: Pid, root = DEFAULT_PROC_ROOT): number | undefined {
  return orAbsent(() => readdirSync(join(procPidDir(pid, root), 'fd')).length);
}

/**
 * Numeric entries of `/proc`, ascending; `[]` without `/proc`.
 * @param root - the proc mount. @default '/proc'
 * @example listPids().length
 */
export function listPids(root = DEFAULT_PROC_ROOT): number[] {
  const names = orAbsent(() => readdirSync(root)) ?? [];
  const pids: number[] = [];
  for (const name of names) if (/^\d+$/.test(name)) pids.push(Number(name));
  return pids.sort((a, b) => a - b);
}

/**
 * Whether a process exists, via `process.kill(pid, 0)` (no signal is sent). `EPERM` (it exists
 * but belongs to another user) → `true`. Works without `/proc`.
 * @example processExists(1) // true
 */
export function processExists(pid: number): boolean {
  procPidDir(pid, DEFAULT_PROC_ROOT);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
