/**
 * What the overhead benchmark reads about a process from outside, the way a user would with
 * `top` or `ps`: CPU time as utime + stime from `/proc/<pid>/stat` (clock ticks), RSS as VmRSS
 * from `/proc/<pid>/status`, and the pids of its children from `/proc/<pid>/task/<tid>/children`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { clockTicksPerSecond, readProcStat, readProcStatus } from '@vitals/core';

/** utime + stime of `pid` in seconds, or NaN once the process is gone. */
export function cpuSeconds(pid: number): number {
  const stat = readProcStat(pid);
  return stat ? (stat.utimeTicks + stat.stimeTicks) / clockTicksPerSecond() : Number.NaN;
}

/** VmRSS of `pid` in MiB (`/proc/<pid>/status`), or NaN once the process is gone. */
export function rssMiB(pid: number): number {
  const kib = Number.parseInt(readProcStatus(pid)?.VmRSS ?? '', 10);
  return Number.isFinite(kib) ? kib / 1024 : Number.NaN;
}

/** Direct children of `pid` (every thread's `children` list), oldest first. */
export function childrenOf(pid: number): number[] {
  const out = new Set<number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const tid of tids) {
    try {
      for (const word of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/)) {
        if (word) out.add(Number(word));
      }
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** Median of the finite values, NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * CPU and RSS of a set of pids over one window: `start()` reads each pid's CPU time, `sample()`
 * (once a second) its RSS, `finish()` the CPU time again. CPU is the whole window's
 * utime + stime divided by the wall time, as % of one core; nothing is subtracted.
 */
export class WindowMeter {
  private readonly cpu0 = new Map<number, number>();
  private readonly rss = new Map<number, number[]>();
  private startedAt = 0;

  start(pids: readonly number[]): void {
    this.startedAt = performance.now();
    for (const pid of pids) {
      this.cpu0.set(pid, cpuSeconds(pid));
      this.rss.set(pid, []);
    }
  }

  sample(): void {
    for (const [pid, values] of this.rss) values.push(rssMiB(pid));
  }

  /** Per pid: CPU % of one core over the window, and the median RSS (MiB). NaN when it died. */
  finish(): Map<number, { cpuPct: number; rssMiB: number }> {
    const wall = (performance.now() - this.startedAt) / 1000;
    const out = new Map<number, { cpuPct: number; rssMiB: number }>();
    for (const [pid, cpu0] of this.cpu0) {
      const rss = this.rss.get(pid) ?? [];
      const alive = rss.every(Number.isFinite);
      out.set(pid, {
        cpuPct: alive ? ((cpuSeconds(pid) - cpu0) / wall) * 100 : Number.NaN,
        rssMiB: alive ? median(rss) : Number.NaN,
      });
    }
    return out;
  }
}
