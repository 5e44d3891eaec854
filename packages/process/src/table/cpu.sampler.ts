import { keepingAlive } from '@vitals/core';
import type pidusage from 'pidusage';
import type { Clock } from '@vitals/core';

/**
 * CPU rate of each pid over `intervalMs`, percent of one core, measured with pidusage (which
 * reads `/proc/<pid>/stat` on Linux and `ps`/`wmic` elsewhere): one reading, a wait on `clock`, a
 * second reading; the rate is the CPU time used between them. Pids that exit meanwhile are left
 * out. pidusage's history (and the fds it keeps open) is cleared afterwards.
 * @example const rates = await sampleCpuPercent([process.pid], 500, systemClock)
 */
export async function sampleCpuPercent(
  pids: readonly number[],
  intervalMs: number,
  clock: Clock,
): Promise<Map<number, number>> {
  const rates = new Map<number, number>();
  if (pids.length === 0) return rates;
  // Loaded on first use (`ps --sample`): a host that never samples does not carry it.
  const { default: sampler } = await import('pidusage');
  const readAll = (list: readonly number[]) => readEach(sampler, list);
  try {
    await keepingAlive(async () => {
      const first = await readAll(pids);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, intervalMs));
      const second = await readAll([...first.keys()]);
      for (const [pid, b] of second) {
        const a = first.get(pid);
        const wall = a ? b.timestamp - a.timestamp : 0;
        if (a && wall > 0) rates.set(pid, Math.max(0, ((b.ctime - a.ctime) / wall) * 100));
      }
    });
  } finally {
    sampler.clear();
  }
  return rates;
}

/** Reads each pid on its own, so one vanished pid does not fail the whole batch. */
async function readEach(
  sampler: typeof pidusage,
  pids: readonly number[],
): Promise<Map<number, pidusage.Status>> {
  const out = new Map<number, pidusage.Status>();
  const results = await Promise.allSettled(pids.map((pid) => sampler(pid)));
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') out.set(pids[i], r.value);
  });
  return out;
}
