import { METRICS } from '@vitals/core';
import type { Clock, Collector, History, Labels, Sample } from '@vitals/core';
import { MONITOR_METRICS, TREND_DESCRIPTORS } from '../monitor.metrics';
import { fitTrend } from './trend.analyzer';

/** Options of {@link ExhaustionCollector}. */
export interface ExhaustionOptions {
  /** History window the projection is fitted on, ms. @default 1800000 (30 min) */
  readonly windowMs?: number;
  /** Points needed in the window before projecting. @default 10 */
  readonly minPoints?: number;
  /** Project on every n-th collection only (the first included): the answer moves slowly. @default 10 */
  readonly every?: number;
}

/**
 * "Time to exhaustion", after Netdata's `out_of_disk_space_time`: fits a least-squares line to
 * the recent history of free memory (`node_memory_MemAvailable_bytes`, or the container's
 * headroom `limit − usage` when a cgroup limit is set) and of each filesystem's available bytes,
 * and publishes when each would reach zero as `vitals_time_to_exhaustion_seconds{resource,
 * mountpoint}` (+Inf when not shrinking). The default alert rules warn under 48 h and page under
 * 24 h. A series needs `minPoints` points spanning at least a quarter of the window first, so a
 * fresh start never projects from noise. It projects on every `every`-th collection (10 by default).
 *
 * @example new ExhaustionCollector(host.history, host.clock, { windowMs: 30 * 60_000 })
 */
export class ExhaustionCollector implements Collector {
  readonly name = 'monitor.exhaustion';
  readonly descriptors = TREND_DESCRIPTORS;
  private readonly windowMs: number;
  private readonly minPoints: number;
  private readonly every: number;
  private collections = 0;

  constructor(
    private readonly history: History,
    private readonly clock: Clock,
    options: ExhaustionOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 30 * 60_000;
    this.minPoints = options.minPoints ?? 10;
    this.every = Math.max(1, Math.floor(options.every ?? 10));
  }

  collect(): Sample[] {
    if (this.collections++ % this.every !== 0) return [];
    const since = this.clock.now() - this.windowMs;
    const out: Sample[] = [];
    const memory = this.memorySeconds(since);
    if (memory !== undefined)
      out.push({
        name: MONITOR_METRICS.timeToExhaustion,
        value: memory,
        labels: { resource: 'memory', mountpoint: '' },
      });
    for (const s of this.history.series(METRICS.fsAvailBytes)) {
      const seconds = this.secondsToZero(this.history.points(s.name, s.labels, since));
      if (seconds === undefined) continue;
      const labels: Labels = { resource: 'disk', mountpoint: s.labels.mountpoint ?? '' };
      out.push({ name: MONITOR_METRICS.timeToExhaustion, value: seconds, labels });
    }
    return out;
  }

  private memorySeconds(since: number): number | undefined {
    const limit = this.history.points(METRICS.cgroupMemoryLimitBytes, undefined, since);
    const usage = this.history.points(METRICS.cgroupMemoryUsageBytes, undefined, since);
    const total = this.history.points(METRICS.memTotalBytes, undefined, since);
    const containerLimit = limit.length > 0 ? limit[limit.length - 1].value : undefined;
    const machine = total.length > 0 ? total[total.length - 1].value : Infinity;
    if (containerLimit !== undefined && containerLimit < machine && usage.length > 0) {
      return this.secondsToZero(usage.map((p) => ({ at: p.at, value: containerLimit - p.value })));
    }
    return this.secondsToZero(this.history.points(METRICS.memAvailableBytes, undefined, since));
  }

  /** Seconds until the fitted line of a shrinking quantity reaches 0; +Inf when not shrinking. */
  private secondsToZero(points: readonly { at: number; value: number }[]): number | undefined {
    if (points.length < this.minPoints) return undefined;
    if (points[points.length - 1].at - points[0].at < this.windowMs / 4) return undefined;
    const fit = fitTrend(points);
    if (Number.isNaN(fit.slopePerSecond)) return undefined;
    if (fit.slopePerSecond >= 0) return Infinity;
    const elapsed = (this.clock.now() - fit.lastAt) / 1000;
    return Math.max(0, fit.latest / -fit.slopePerSecond - elapsed);
  }
}
