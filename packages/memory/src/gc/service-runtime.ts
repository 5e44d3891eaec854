import { METRICS } from '@vitals/core';
import type { MetricBatch, Sample } from '@vitals/core';
import { MEMORY_METRICS } from '../memory.metrics';

interface PerService {
  /** (batch time, GC seconds summed over kinds) within the window. */
  readonly points: { at: number; sum: number }[];
  heapLimit: number | undefined;
  lastSeen: number;
  /** The service's own publisher reports GC pressure: do not derive it. */
  ownPressure: boolean;
}

/**
 * Derives the runtime figures the memory plugin's rules need for each supervised service from
 * what its supervisor publishes (issue 10, item 4):
 * - GC pressure `vitals_gc_pressure_ratio{service}`: the growth of the child's
 *   `nodejs_gc_duration_seconds_sum{service,kind}` (summed over kinds) over the window, divided by
 *   the wall time it covers — unless the child's batches carry that ratio themselves;
 * - `vitals_heap_after_gc_limit_ratio{service?}`: each post-GC heap
 *   (`vitals_heap_after_gc_bytes`) divided by that process's `vitals_nodejs_heap_size_limit_bytes`
 *   (this process: `v8.getHeapStatistics().heap_size_limit`).
 * This process's own GC pressure comes from its GC observer, not from here.
 *
 * @example const out = runtime.ingest(batch); if (out.length) stream.publish({ source: 'memory-runtime', at: batch.at, samples: out });
 */
export class ServiceRuntime {
  private readonly services = new Map<string, PerService>();
  private lastSweep = -Infinity;

  constructor(
    private readonly windowMs = 60_000,
    private readonly ownHeapLimit: () => number | undefined = () => undefined,
    private readonly maxServices = 64,
  ) {}

  /** Reads one batch; returns the derived samples to publish (none for batches it made). */
  ingest(batch: MetricBatch): Sample[] {
    const out: Sample[] = [];
    const at = batch.at;
    const sums = new Map<string, number>();
    // Heap limits first: a post-GC batch carries the limit beside (often after) the baseline.
    for (const s of batch.samples) {
      const service = s.labels?.service;
      if (s.name !== METRICS.heapLimitBytes || service === undefined || !(s.value > 0)) continue;
      const p = this.get(service, at);
      if (p) {
        p.heapLimit = s.value;
        p.lastSeen = at;
      }
    }
    for (const s of batch.samples) {
      const service = s.labels?.service;
      if (s.name === METRICS.heapAfterGcBytes) {
        const limit =
          service === undefined ? this.ownHeapLimit() : this.get(service, at)?.heapLimit;
        if (limit !== undefined && limit > 0)
          out.push({
            name: MEMORY_METRICS.heapAfterGcLimitRatio,
            value: s.value / limit,
            ...(service !== undefined && { labels: { service } }),
          });
      }
      if (service === undefined) continue;
      if (s.name === `${METRICS.gcDuration}_sum`) {
        sums.set(service, (sums.get(service) ?? 0) + s.value);
      } else if (s.name === METRICS.gcPressureRatio && batch.source !== SOURCE) {
        const p = this.get(service, at);
        if (p) p.ownPressure = true;
      }
    }
    for (const [service, sum] of sums) {
      const p = this.get(service, at);
      if (!p || p.ownPressure) continue;
      p.lastSeen = at;
      const points = p.points;
      // A smaller sum than before: the child restarted and its counters began again.
      if (points.length > 0 && sum < points[points.length - 1].sum) points.length = 0;
      points.push({ at, sum });
      while (points.length > 2 && points[1].at <= at - this.windowMs) points.shift();
      const first = points[0];
      if (at - first.at <= 0) continue;
      const ratio = Math.min(1, Math.max(0, (sum - first.sum) / ((at - first.at) / 1000)));
      out.push({ name: METRICS.gcPressureRatio, value: ratio, labels: { service } });
    }
    if (at - this.lastSweep >= 60_000) {
      this.lastSweep = at;
      this.sweep(at);
    }
    return out;
  }

  private get(service: string, at: number): PerService | undefined {
    let p = this.services.get(service);
    if (p) return p;
    if (this.services.size >= this.maxServices) return undefined;
    p = { points: [], heapLimit: undefined, lastSeen: at, ownPressure: false };
    this.services.set(service, p);
    return p;
  }

  private sweep(at: number): void {
    for (const [service, p] of this.services)
      if (at - p.lastSeen > 30 * 60_000) this.services.delete(service);
  }
}

/** Source of the batches the plugin publishes with derived runtime figures. */
export const SOURCE = 'memory-runtime';
