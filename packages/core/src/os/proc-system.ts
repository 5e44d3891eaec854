import { loadavg, uptime } from 'node:os';
import { join } from 'node:path';
import type { ProcStat } from './procfs';
import { DEFAULT_PROC_ROOT, readPseudoFile } from './procfs';

/*
 * Machine-wide readers of /proc (memory, CPU times, load, boot time) and the process start time
 * derived from them; per-process readers are in procfs.ts. Same failure policy: a missing /proc
 * gives an empty result or the `os` module's figure, never a throw.
 */

/** CPU time by mode, in clock ticks since boot (a `cpu` line of `/proc/stat`). */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/**
 * `/proc/meminfo` in BYTES (`kB` × 1024); unit-less lines (`HugePages_Total`) stay counts.
 * `{}` without `/proc`.
 * @param root - the proc mount. @default '/proc'
 * @example readMeminfo().MemAvailable / readMeminfo().MemTotal
 */
export function readMeminfo(root = DEFAULT_PROC_ROOT): Record<string, number> {
  const out: Record<string, number> = {};
  const text = readPseudoFile(join(root, 'meminfo')) ?? '';
  // `Key:   12345 kB` by index, not a regex match per line: read every tick.
  for (let at = 0; at < text.length;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', at);
    if (colon > at && colon < end) {
      const key = text.slice(at, colon);
      const field = text.slice(colon + 1, end).trim();
      const kb = field.endsWith(' kB');
      const digits = kb ? field.slice(0, -3).trimEnd() : field;
      const n = DIGITS.test(digits) ? Number(digits) * (kb ? 1024 : 1) : NaN;
      if (Number.isFinite(n) && key !== '__proto__') out[key] = n;
    }
    at = end + 1;
  }
  return out;
}

const DIGITS = /^\d+$/;

const CPU_FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

function toCpuTimes(parts: string[]): CpuTimes {
  const t = {} as CpuTimes;
  CPU_FIELDS.forEach((name, i) => {
    const n = Number(parts[i + 1] ?? 0);
    t[name] = Number.isFinite(n) && n >= 0 ? n : 0;
  });
  return t;
}

/**
 * Aggregate and per-CPU times of `/proc/stat`, in clock ticks since boot (diff two reads for a
 * rate). Without `/proc`: all-zero `total` and `perCpu: []`.
 * @param root - the proc mount. @default '/proc'
 * @example const { total } = readCpuTimes(); total.idle
 */
export function readCpuTimes(root = DEFAULT_PROC_ROOT): { total: CpuTimes; perCpu: CpuTimes[] } {
  let total = toCpuTimes([]);
  const perCpu: CpuTimes[] = [];
  for (const line of readPseudoFile(join(root, 'stat'))?.split('\n') ?? []) {
    if (!line.startsWith('cpu')) continue;
    const parts = line.split(/\s+/);
    if (parts[0] === 'cpu') total = toCpuTimes(parts);
    else perCpu.push(toCpuTimes(parts));
  }
  return { total, perCpu };
}

/**
 * 1, 5 and 15-minute load averages of `/proc/loadavg`; falls back to `os.loadavg()` when the file
 * is missing (non-Linux).
 * @param root - the proc mount. @default '/proc'
 * @example const [one] = readLoadavg();
 */
export function readLoadavg(root = DEFAULT_PROC_ROOT): [number, number, number] {
  const parts = readPseudoFile(join(root, 'loadavg'))?.split(' ');
  const values = (parts ?? []).slice(0, 3).map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (values.length < 3 || values.some((n) => !Number.isFinite(n) || n < 0))
    return loadavg() as [number, number, number];
  return values as [number, number, number];
}

const bootTimes = new Map<string, number>();

/**
 * Boot time in epoch ms (`btime` of `/proc/stat`), cached per root: it never changes while the
 * machine is up. Without `/proc`: `Date.now() - os.uptime()`, not cached.
 * @param root - the proc mount. @default '/proc'
 * @example new Date(bootTimeMs())
 */
export function bootTimeMs(root = DEFAULT_PROC_ROOT): number {
  const cached = bootTimes.get(root);
  if (cached !== undefined) return cached;
  const m = /^btime (\d+)$/m.exec(readPseudoFile(join(root, 'stat')) ?? '');
  if (!m) return Date.now() - uptime() * 1000;
  const ms = Number(m[1]) * 1000;
  if (!Number.isFinite(ms)) return Date.now() - uptime() * 1000;
  bootTimes.set(root, ms);
  return ms;
}

/**
 * Clock ticks per second (`USER_HZ`), the unit of `/proc` CPU times. Always 100: Node cannot call
 * `sysconf(_SC_CLK_TCK)`, and the value is fixed in the kernel ABI at 100 on every mainstream
 * distribution and architecture (`getconf CLK_TCK` prints 100), whatever the kernel's `CONFIG_HZ`.
 * @example stat.utimeTicks / clockTicksPerSecond() // seconds
 */
export function clockTicksPerSecond(): number {
  return 100;
}

/**
 * Start time of a process in epoch ms: boot time + `startTimeTicks` / CLK_TCK × 1000
 * (10 ms resolution).
 * @param root - the proc mount whose `btime` is used. @default '/proc'
 * @example processStartTimeMs(readProcStat(pid)!)
 */
export function processStartTimeMs(stat: ProcStat, root = DEFAULT_PROC_ROOT): number {
  return bootTimeMs(root) + (stat.startTimeTicks / clockTicksPerSecond()) * 1000;
}
