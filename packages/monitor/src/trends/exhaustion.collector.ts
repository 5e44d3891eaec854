import { METRICS } from '@vitals/core';
import type { Clock, Collector, History, Labels, Sample } from '@vitals/core';
import { MONITOR_METRICS, TREND_DESCRIPTORS } from '../monitor.metrics';
import { DownsampledSeries } from './downsampled.series';
import { projectExhaustion } from './exhaustion.projection';
import type { ProjectionPolicy } from './exhaustion.projection';

/** Options of {@link ExhaustionCollector}; the defaults are what the default alert rules assume. */
export interface ExhaustionOptions {
  /** Shortest history a projection is fitted on, ms. @default 1800000 (30 min) */
  readonly windowMs?: number;
  /**
   * Longest history kept and fitted, ms: a projection reaches at most `horizonPerWindow` times
   * it. @default 43200000 (12 h: enough for the 48 h warning horizon)
   */
  readonly maxWindowMs?: number;
  /** A window projects at most this many times its length ahead. @default 4 */
  readonly horizonPerWindow?: number;
  /** R² the fit must reach. @default 0.8 */
  readonly minFit?: number;
  /**
   * Below this share of the resource free, a credible projection is "confirmed" (real pressure).
   * @default 0.15
   */
  readonly pressureRatio?: number;
  /** One history point per this long (mean of the samples in it), ms. @default 60000 */
  readonly bucketMs?: number;
  /** Project on every n-th collection only (the first included): the answer moves slowly. @default 10 */
  readonly every?: number;
}

/** One resource whose free amount is projected. */
interface Tracked {
  readonly series: DownsampledSeries;
  /** Latest size (total memory, the container limit, the filesystem size), for the pressure. */
  size: number | undefined;
}

/**
 * "Time to exhaustion", after Netdata's `out_of_disk_space_time` and node-mixin's
 * `NodeFilesystemSpaceFillingUp`, built not to cry wolf: the free amount of memory
 * (`node_memory_MemAvailable_bytes`, or the container's headroom `limit − working set` when a
 * cgroup limit is set) and of each filesystem (`node_filesystem_avail_bytes`) is kept as one-minute
 * means for up to `maxWindowMs`, and projected to zero only when the evidence holds:
 * - the window grows with the horizon: a fit over W projects at most 4 W ahead ("full in 24 h"
 *   needs 6 h of data), and nothing is projected from less than `windowMs` (30 min);
 * - the fit explains the data (R² ≥ 0.8): a step (a build that took 1.5 GB and kept it), a swing
 *   or noise is not a trend.
 * Publishes `vitals_time_to_exhaustion_seconds{resource, mountpoint}` (the most urgent credible
 * projection; +Inf when none) and `vitals_time_to_exhaustion_confirmed_seconds` (the same figure
 * only under real pressure, free below `pressureRatio` of the size, or watched for at least as
 * long as the time left; else +Inf). The default rules warn on the first within 48 h and page on
 * the second within 24 h. A series is published once `windowMs` of it has been seen.
 *
 * @example new ExhaustionCollector(host.history, host.clock, { windowMs: 30 * 60_000 })
 */
export class ExhaustionCollector implements Collector {
  readonly name = 'monitor.exhaustion';
  readonly descriptors = TREND_DESCRIPTORS;
  private readonly policy: ProjectionPolicy;
  private readonly pressureRatio: number;
  private readonly bucketMs: number;
  private readonly every: number;
  private readonly tracked = new Map<string, Tracked>();
  private collections = 0;

  constructor(
    private readonly history: History,
    private readonly clock: Clock,
    options: ExhaustionOptions = {},
  ) {
    this.bucketMs = Math.max(1, options.bucketMs ?? 60_000);
    // At least ten buckets: a line through fewer is no evidence (and 0 would never end the loop).
    const minWindowMs = Math.max(10 * this.bucketMs, options.windowMs ?? 30 * 60_000);
    this.policy = {
      minWindowMs,
      maxWindowMs: Math.max(minWindowMs, options.maxWindowMs ?? 12 * 3_600_000),
      horizonPerWindow: options.horizonPerWindow ?? 4,
      minFit: options.minFit ?? 0.8,
      // At least 10 points, and 80 % of the buckets of the shortest window.
      minPoints: Math.max(10, Math.floor((0.8 * minWindowMs) / this.bucketMs)),
    };
    this.pressureRatio = options.pressureRatio ?? 0.15;
    this.every = Math.max(1, Math.floor(options.every ?? 10));
    // History records only what is asked for: these, from the host's start.
    history.watch(
      METRICS.fsAvailBytes,
      METRICS.fsSizeBytes,
      METRICS.cgroupMemoryLimitBytes,
      METRICS.memTotalBytes,
      METRICS.cgroupMemoryWorkingSetBytes,
      METRICS.cgroupMemoryUsageBytes,
      METRICS.memAvailableBytes,
    );
  }

  collect(): Sample[] {
    if (this.collections++ % this.every !== 0) return [];
    // Folds the history's new points in (its ring holds minutes; this keeps hours, per minute).
    this.ingestMemory();
    for (const s of this.history.series(METRICS.fsAvailBytes)) {
      const mountpoint = s.labels.mountpoint ?? '';
      const t = this.track(`disk:${mountpoint}`);
      for (const p of this.history.points(s.name, s.labels, t.series.lastAt + 1))
        t.series.add(p.at, p.value);
      t.size = this.latest(METRICS.fsSizeBytes, { mountpoint }) ?? t.size;
    }
    const out: Sample[] = [];
    const now = this.clock.now();
    for (const [key, t] of this.tracked) {
      const colon = key.indexOf(':');
      const resource = key.slice(0, colon);
      const labels: Labels = { resource, mountpoint: key.slice(colon + 1) };
      const points = t.series.points();
      const projection = projectExhaustion(points, now, this.policy);
      if (projection === undefined) continue;
      const seconds = projection?.seconds ?? Infinity;
      const free = points[points.length - 1].value;
      const underPressure =
        t.size !== undefined && t.size > 0 && free / t.size < this.pressureRatio;
      const confirmed = projection !== null && (underPressure || projection.watchedLongEnough);
      out.push(
        { name: MONITOR_METRICS.timeToExhaustion, value: seconds, labels },
        {
          name: MONITOR_METRICS.timeToExhaustionConfirmed,
          value: confirmed ? seconds : Infinity,
          labels,
        },
      );
    }
    return out;
  }

  /** Free memory: the container's headroom when its limit is below RAM, else MemAvailable. */
  private ingestMemory(): void {
    const limit = this.latest(METRICS.cgroupMemoryLimitBytes);
    const total = this.latest(METRICS.memTotalBytes);
    const t = this.track('memory:');
    const since = t.series.lastAt + 1;
    if (limit !== undefined && limit > 0 && (total === undefined || limit < total)) {
      // The working set, not the usage: page cache is reclaimed before the OOM killer acts.
      let used = this.history.points(METRICS.cgroupMemoryWorkingSetBytes, undefined, since);
      if (used.length === 0)
        used = this.history.points(METRICS.cgroupMemoryUsageBytes, undefined, since);
      for (const p of used) t.series.add(p.at, limit - p.value);
      t.size = limit;
      return;
    }
    for (const p of this.history.points(METRICS.memAvailableBytes, undefined, since))
      t.series.add(p.at, p.value);
    t.size = total ?? t.size;
  }

  private track(key: string): Tracked {
    let t = this.tracked.get(key);
    if (t === undefined) {
      t = {
        series: new DownsampledSeries(this.bucketMs, this.policy.maxWindowMs),
        size: undefined,
      };
      this.tracked.set(key, t);
    }
    return t;
  }

  /** Newest value of a series in the history (the first series whose labels include `labels`). */
  private latest(name: string, labels?: Labels): number | undefined {
    // Only a recent point counts (within 10 minutes); read just the newest of each series.
    const since = this.clock.now() - 10 * 60_000;
    for (const s of this.history.series(name)) {
      if (labels && !Object.entries(labels).every(([k, v]) => s.labels[k] === v)) continue;
      if (!labels && Object.keys(s.labels).length > 0) continue;
      const last = this.history.last(s.name, s.labels);
      if (last !== undefined && last.at >= since) return last.value;
    }
    return undefined;
  }
}
