import { VitalsError, parseDuration } from '@vitals/core';
import type { Clock, History, HistoryPoint, Labels } from '@vitals/core';

/** A series' trend over a window. */
export interface Trend {
  readonly metric: string;
  readonly labels?: Labels;
  /** Window length, ms. */
  readonly windowMs: number;
  /** Points in the window. */
  readonly points: number;
  /** Moving average over the window; NaN without points. */
  readonly mean: number;
  /** Newest value; NaN without points. */
  readonly latest: number;
  /** Least-squares slope, units per second; NaN with fewer than 2 points at distinct times. */
  readonly slopePerSecond: number;
  /** The same slope, units per hour. */
  readonly slopePerHour: number;
  /** How well the line explains the points (R², 0–1); NaN without a slope or for flat values. */
  readonly r2: number;
  /**
   * Ms from now until the series reaches `threshold` at the fitted rate, projected from the newest
   * point: Infinity when it moves away from it (or is flat), 0 when it is there, NaN without a slope.
   */
  timeTo(threshold: number): number;
}

/**
 * Least-squares fit of `points`. Times and values are shifted to the first point before summing,
 * so epoch milliseconds and byte counts keep their precision. `r2` is the coefficient of determination (the share of the
 * variance the line explains: 1 for a straight line, near 0 for noise or a step; NaN when the
 * values do not vary or there is no slope); `meanAt` the mean time (the line passes through
 * `(meanAt, mean)`).
 * @example fitTrend([{ at: 0, value: 1 }, { at: 1000, value: 2 }]).slopePerSecond // 1
 */
export function fitTrend(points: readonly HistoryPoint[]): {
  mean: number;
  meanAt: number;
  slopePerSecond: number;
  r2: number;
  latest: number;
  lastAt: number;
} {
  const n = points.length;
  if (n === 0)
    return { mean: NaN, meanAt: NaN, slopePerSecond: NaN, r2: NaN, latest: NaN, lastAt: NaN };
  // Shifted to the first point (time and value) so sums of squares keep their precision.
  const t0 = points[0].at;
  const v0 = points[0].value;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    const x = (p.at - t0) / 1000;
    const y = p.value - v0;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  const denom = n * sxx - sx * sx;
  const last = points[n - 1];
  const slope = n >= 2 && denom > 0 ? (n * sxy - sx * sy) / denom : NaN;
  // Centred sums: r² = Sxy² / (Sxx · Syy).
  const cxy = sxy - (sx * sy) / n;
  const cxx = sxx - (sx * sx) / n;
  const cyy = syy - (sy * sy) / n;
  const r2 = Number.isNaN(slope) || !(cyy > 0) ? NaN : Math.min(1, (cxy * cxy) / (cxx * cyy));
  return {
    mean: v0 + sy / n,
    meanAt: t0 + (sx / n) * 1000,
    slopePerSecond: slope,
    r2,
    latest: last.value,
    lastAt: last.at,
  };
}

/**
 * Moving averages and least-squares slopes over the host's History, for any series. History
 * records a metric from the first time it is asked for: `watch(metric)` it when the host starts
 * for a trend over the time since (the first `trend()` of an unwatched metric has no points).
 * @example
 * const t = trends.trend('process_resident_memory_bytes', '10m');
 * t.slopePerHour;            // bytes per hour
 * t.timeTo(2 * 1024 ** 3);   // ms until RSS reaches 2 GiB at this rate
 */
export class TrendAnalyzer {
  constructor(
    private readonly history: History,
    private readonly clock: Clock,
  ) {}

  /** Records these metrics in the host's History from now on, for later `trend()` calls. */
  watch(...metrics: string[]): void {
    this.history.watch(...metrics);
  }

  /** The trend of one series over the last `window` (ms or `'10m'`). */
  trend(metric: string, window: number | string, labels?: Labels): Trend {
    const windowMs = parseDuration(window);
    if (windowMs <= 0) {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        `trend window must be longer than 0 (got ${JSON.stringify(window)})`,
      );
    }
    const now = this.clock.now();
    const points = this.history.points(metric, labels, now - windowMs);
    const fit = fitTrend(points);
    const slope = fit.slopePerSecond;
    return {
      metric,
      labels,
      windowMs,
      points: points.length,
      mean: fit.mean,
      latest: fit.latest,
      slopePerSecond: slope,
      slopePerHour: slope * 3600,
      r2: fit.r2,
      timeTo(threshold: number): number {
        if (Number.isNaN(slope)) return NaN;
        const gap = threshold - fit.latest;
        if (gap === 0) return 0;
        // Flat, or moving away from the threshold: never.
        if ((gap > 0 && slope <= 0) || (gap < 0 && slope >= 0)) return Infinity;
        // Projected from the newest point, less the time already passed since it.
        return Math.max(0, (gap / slope) * 1000 - (now - fit.lastAt));
      },
    };
  }
}
