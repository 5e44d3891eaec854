import { theilSen } from './theil-sen';
import { resistantSlope } from './resistant-line';
import { memoryError } from '../memory.errors';

const MB = 1024 * 1024;

/** Tuning of a {@link LeakDetector}; every field has a default. */
export interface LeakDetectorOptions {
  /** Points older than this are forgotten, ms. @default 600000 (10 min) */
  readonly windowMs?: number;
  /**
   * No verdict before the baseline spans this long, ms. 145 s: a cache that fills linearly for
   * 120 s shows ~25 s of plateau before a verdict (and the monitor's 10 s confirmation adds 10 s
   * more), and a 1 MB/min leak is still reported by 180 s. @default 145000
   */
  readonly minSpanMs?: number;
  /**
   * No verdict with fewer bucketed points in the window. 4: a quiet service measured once a
   * minute (measurement GC) has 4 points at 3 minutes. @default 4
   */
  readonly minPoints?: number;
  /** Raw points are reduced to the minimum of each bucket of this length, ms. @default 5000 */
  readonly bucketMs?: number;
  /**
   * Rolling-minimum width that erases bursts and sawtooth teeth, ms; the plateau test uses a
   * third of it, so that a plateau is seen soon after it starts. @default 30000
   */
  readonly erosionMs?: number;
  /** Slower growth is never a leak, bytes/s. @default 30 MB/h (≈ 8738 B/s) */
  readonly minRateBytesPerSecond?: number;
  /** Minimum Kendall agreement (0–1) of the baseline's rise. @default 0.6 */
  readonly minConfidence?: number;
  /** Minimum growth of the fitted baseline across the window, bytes. @default 1 MiB */
  readonly minGrowthBytes?: number;
  /** The plateau test looks at this fraction of the window's end. @default 0.25 */
  readonly recentFraction?: number;
  /** …but at least this long, ms. @default 45000 */
  readonly recentMinMs?: number;
  /** The recent slope must be at least this fraction of the whole window's. @default 0.4 */
  readonly recentSlopeRatio?: number;
  /**
   * Deceleration test: the slope of the window's second half must be at least this fraction of
   * the first half's. A cache filling toward its cap (growth that slows: saturating, logarithmic,
   * LRU warming) fails it even while it still rises slowly; a leak keeps its pace. @default 0.5
   */
  readonly decelerationRatio?: number;
  /**
   * The straight line must explain the baseline: 1 − SSE/SST of the fitted line over the eroded
   * points (R²), 0–1. @default 0.6
   */
  readonly minFit?: number;
  /**
   * Noise test: the rise of the window's second half (its Theil–Sen slope × its length, on the
   * raw bucket minima) must be at least this many times the median absolute deviation of those
   * minima around that line. A plateau whose working set comes and goes (batches of 2–12 MB held
   * 10–20 s, ok-plateau-noise.js) can look like a rise for a minute, but its points scatter around
   * the line by about as much as they rise; a leak's scatter is small beside its rise. 0 = off.
   * @default 5
   */
  readonly minRiseToNoise?: number;
}

/** One verdict of the detector. */
export interface LeakAssessment {
  readonly leaking: boolean;
  /** Theil–Sen slope of the eroded baseline, bytes/s (0 before the minimum span). */
  readonly rateBytesPerSecond: number;
  readonly rateMBPerHour: number;
  /** Kendall agreement of the baseline's rise, 0–1. */
  readonly confidence: number;
  /** How much of the baseline's variance the straight line explains (R²), 0–1; 0 before the minimum span. */
  readonly fit: number;
  /** Time the baseline covers, ms. */
  readonly windowMs: number;
  /** Bucketed points in the window. */
  readonly points: number;
  /** The baseline now (fitted, bytes). */
  readonly baselineBytes: number;
  /** Projected time until `limitBytes` at this rate, ms; undefined without a leak or a limit. */
  readonly timeToLimitMs: number | undefined;
  /** Why this verdict, one line. */
  readonly reason: string;
}

interface Bucket {
  start: number;
  at: number;
  min: number;
}

/**
 * Finds steady growth in a memory baseline fed as (time, bytes) points — the JS heap after each
 * major GC, or external + array-buffer memory. Pure and clock-free: time is whatever the caller
 * passes, so it runs on virtual time in tests and on a child's timestamps in the bench.
 *
 * Algorithm (see the package README): bucket minima → rolling minimum (erosion) → Theil–Sen
 * slope with Kendall agreement over the window → minimum span, rate, growth and confidence →
 * plateau test on the window's recent part.
 *
 * @example
 * const d = new LeakDetector();
 * d.add(Date.now(), v8.getHeapStatistics().used_heap_size);
 * if (d.assess(Date.now(), heapLimit).leaking) …
 */
export class LeakDetector {
  private readonly o: Required<LeakDetectorOptions>;
  private readonly buckets: Bucket[] = [];

  constructor(options: LeakDetectorOptions = {}) {
    this.o = {
      windowMs: 600_000,
      minSpanMs: 145_000,
      minPoints: 4,
      bucketMs: 5_000,
      erosionMs: 30_000,
      minRateBytesPerSecond: (30 * MB) / 3600,
      minConfidence: 0.6,
      minGrowthBytes: MB,
      recentFraction: 0.25,
      recentMinMs: 45_000,
      recentSlopeRatio: 0.4,
      decelerationRatio: 0.5,
      minFit: 0.6,
      minRiseToNoise: 5,
      ...options,
    };
    for (const [key, value] of Object.entries(this.o)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw memoryError(
          'ERR_INVALID_ARGUMENT',
          `leak detector option ${key} must be a finite number ≥ 0 (got ${String(value)})`,
        );
      }
    }
  }

  /** The options in force, defaults filled in. */
  get options(): Readonly<Required<LeakDetectorOptions>> {
    return this.o;
  }

  /** Adds one point; non-finite values and points older than the last bucket are ignored. */
  add(atMs: number, bytes: number): void {
    if (!Number.isFinite(atMs) || !Number.isFinite(bytes)) return;
    const start = Math.floor(atMs / this.o.bucketMs) * this.o.bucketMs;
    const last = this.buckets[this.buckets.length - 1];
    if (last && start < last.start) return;
    if (last && start === last.start) {
      if (bytes <= last.min) {
        last.min = bytes;
        last.at = atMs;
      }
    } else {
      this.buckets.push({ start, at: atMs, min: bytes });
    }
    const horizon = atMs - this.o.windowMs - this.o.erosionMs;
    while (this.buckets.length > 0 && this.buckets[0].at < horizon) this.buckets.shift();
  }

  /** Forgets every point (after a forced GC or a cleanup changed the baseline on purpose). */
  reset(): void {
    this.buckets.length = 0;
  }

  /** The verdict now. `limitBytes` (the heap limit) gives the projected time to it. */
  assess(nowMs?: number, limitBytes?: number): LeakAssessment {
    const end = nowMs ?? this.buckets[this.buckets.length - 1]?.at ?? 0;
    const inWindow = this.buckets.filter((b) => b.at >= end - this.o.windowMs && b.at <= end);
    const span = inWindow.length > 1 ? inWindow[inWindow.length - 1].at - inWindow[0].at : 0;
    if (inWindow.length < Math.max(3, this.o.minPoints) || span < this.o.minSpanMs) {
      return this.verdict(
        false,
        0,
        0,
        0,
        span,
        inWindow.length,
        inWindow[inWindow.length - 1]?.min ?? 0,
        undefined,
        `collecting: ${inWindow.length} points over ${Math.round(span / 1000)} s (needs ${Math.max(3, this.o.minPoints)} over ${Math.round(this.o.minSpanMs / 1000)} s)`,
      );
    }
    const xs = inWindow.map((b) => (b.at - inWindow[0].at) / 1000);
    const ys = this.erode(inWindow, this.o.erosionMs);
    const fit = theilSen(xs, ys);
    const last = xs[xs.length - 1];
    const baseline = fit.intercept + fit.slope * last;
    const confidence = Math.max(0, fit.agreement);
    const explained = rSquared(xs, ys, fit.slope, fit.intercept);
    const growth = fit.slope * (span / 1000);
    // Plateau: the recent part on a lightly eroded series, so a plateau shows soon after it starts.
    // Its slope is Tukey's resistant line (net rise between the part's outer thirds), not
    // Theil–Sen: a step leak (4 MB every 30 s) has one or two steps in the part and most pairwise
    // slopes at zero, which Theil–Sen's median reads as a plateau (bench:leaks, leak-step.js).
    const light = this.erode(inWindow, this.o.erosionMs / 3);
    const recentFrom = last - Math.max(this.o.recentMinMs, this.o.recentFraction * span) / 1000;
    // At least the last 3 points: with sparse points (a shortened recentMinMs in CI) one or two
    // points would say nothing about a plateau.
    const first = Math.min(
      xs.findIndex((x) => x >= recentFrom),
      Math.max(0, xs.length - 3),
    );
    const recent = { slope: resistantSlope(xs.slice(first), light.slice(first)) };
    // Deceleration: the second half's slope against the first half's.
    const mid = xs.findIndex((x) => x >= last / 2);
    const early = theilSen(xs.slice(0, mid + 1), ys.slice(0, mid + 1));
    const late = theilSen(xs.slice(mid), ys.slice(mid));
    // Noise: the second half's raw bucket minima (not eroded: erosion hides the scatter).
    const lateXs = xs.slice(mid);
    const lateRaw = inWindow.slice(mid).map((b) => b.min);
    const { rise: lateRise, scatter: lateScatter } = riseAndScatter(lateXs, lateRaw);
    const toLimit = (rate: number): number | undefined =>
      limitBytes !== undefined && rate > 0
        ? Math.max(0, ((limitBytes - baseline) / rate) * 1000)
        : undefined;
    const mbh = (r: number): string => `${((r * 3600) / MB).toFixed(1)} MB/h`;
    let reason: string;
    if (fit.slope < this.o.minRateBytesPerSecond)
      reason = `slope ${mbh(fit.slope)} below ${mbh(this.o.minRateBytesPerSecond)}`;
    else if (confidence < this.o.minConfidence)
      reason = `rise not consistent (agreement ${confidence.toFixed(2)} < ${this.o.minConfidence})`;
    else if (growth < this.o.minGrowthBytes)
      reason = `grew only ${(growth / MB).toFixed(2)} MB in the window`;
    else if (explained < this.o.minFit)
      reason = `a straight line explains only ${(explained * 100).toFixed(0)} % of the baseline (needs ${(this.o.minFit * 100).toFixed(0)} %)`;
    else if (late.slope < this.o.decelerationRatio * early.slope)
      reason = `slowing down: ${mbh(late.slope)} in the window's second half vs ${mbh(early.slope)} in its first (a cache filling toward its cap?)`;
    else if (lateRise < this.o.minRiseToNoise * lateScatter)
      reason = `noisy: the second half rose ${(lateRise / MB).toFixed(1)} MB, scattered ±${(lateScatter / MB).toFixed(1)} MB (needs ${this.o.minRiseToNoise}×)`;
    else if (recent.slope < this.o.recentSlopeRatio * fit.slope)
      reason = `plateau: recent slope ${mbh(recent.slope)} vs ${mbh(fit.slope)} over the window`;
    else {
      return this.verdict(
        true,
        fit.slope,
        confidence,
        explained,
        span,
        inWindow.length,
        baseline,
        toLimit(fit.slope),
        `baseline growing ${mbh(fit.slope)} over ${Math.round(span / 1000)} s (agreement ${confidence.toFixed(2)})`,
      );
    }
    return this.verdict(
      false,
      fit.slope,
      confidence,
      explained,
      span,
      inWindow.length,
      baseline,
      undefined,
      reason,
    );
  }

  /** Rolling minimum over ±width/2 of the bucket minima. */
  private erode(points: Bucket[], width: number): number[] {
    const half = width / 2;
    return points.map((p) => {
      let min = p.min;
      for (const q of points) if (Math.abs(q.at - p.at) <= half && q.min < min) min = q.min;
      return min;
    });
  }

  private verdict(
    leaking: boolean,
    rate: number,
    confidence: number,
    fit: number,
    windowMs: number,
    points: number,
    baselineBytes: number,
    timeToLimitMs: number | undefined,
    reason: string,
  ): LeakAssessment {
    return {
      leaking,
      rateBytesPerSecond: rate,
      rateMBPerHour: (rate * 3600) / MB,
      confidence,
      fit,
      windowMs,
      points,
      baselineBytes,
      timeToLimitMs,
      reason,
    };
  }
}

/** 1 − SSE/SST of the line `intercept + slope·x` over the points, clamped to 0–1 (1 when flat). */
function rSquared(xs: number[], ys: number[], slope: number, intercept: number): number {
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < ys.length; i++) {
    sse += (ys[i] - intercept - slope * xs[i]) ** 2;
    sst += (ys[i] - mean) ** 2;
  }
  return sst === 0 ? 1 : Math.min(1, Math.max(0, 1 - sse / sst));
}

/**
 * Rise of the Theil–Sen line across the points (slope × x range) and the median absolute
 * deviation of the points around it, both in units of y.
 */
function riseAndScatter(xs: number[], ys: number[]): { rise: number; scatter: number } {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return { rise: 0, scatter: 0 };
  const line = theilSen(xs, ys);
  const residuals = ys.map((y, i) => y - line.slope * xs[i]);
  const mid = medianOf(residuals);
  return {
    rise: line.slope * (xs[n - 1] - xs[0]),
    scatter: medianOf(residuals.map((r) => Math.abs(r - mid))),
  };
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
