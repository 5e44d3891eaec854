import { readCpuTimes } from '@vitals/core';
import type { CpuTimes } from '@vitals/core';

/** Shortest window worth a CPU figure, ms: `/proc/stat` counts in 10 ms ticks. */
export const MIN_CPU_WINDOW_MS = 250;

const busy = (t: CpuTimes) => t.user + t.nice + t.system + t.irq + t.softirq + t.steal;
const idle = (t: CpuTimes) => t.idle + t.iowait;

/**
 * Starts measuring machine CPU use from `/proc/stat`; the returned function gives the busy share
 * since then (0–1), or undefined when less than {@link MIN_CPU_WINDOW_MS} passed on `now` or no
 * tick was counted. A one-shot collection cannot give this figure: its first reading is an
 * average since boot.
 * @example const cpu = startCpuMeter('/proc', () => clock.now()); ...; cpu() // 0.37
 */
export function startCpuMeter(procRoot: string, now: () => number): () => number | undefined {
  const start = readCpuTimes(procRoot).total;
  const startedAt = now();
  return () => {
    if (now() - startedAt < MIN_CPU_WINDOW_MS) return undefined;
    const end = readCpuTimes(procRoot).total;
    const b = busy(end) - busy(start);
    const total = b + idle(end) - idle(start);
    return total > 0 ? Math.min(1, Math.max(0, b / total)) : undefined;
  };
}
