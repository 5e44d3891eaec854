import { VitalsError } from '../errors';
import type { Labels, Sample } from './metric.types';

/**
 * prom-client's default bucket bounds, in seconds (5 ms … 10 s).
 * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
 */
export const DEFAULT_LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** A histogram at one moment. Everything but the percentiles counts all observations since the last reset. */
export interface HistogramSnapshot {
  readonly count: number;
  readonly sum: number;
  /** NaN when empty. */
  readonly min: number;
  /** NaN when empty. */
  readonly max: number;
  /** NaN when empty. */
  readonly mean: number;
  /** Percentiles over the reservoir of recent observations; NaN when empty. */
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  /** Cumulative counts (observations ≤ `le`); the last `le` is `Infinity`. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
}

/**
 * A latency histogram: Prometheus buckets (cumulative when read) plus a ring-buffer reservoir of
 * the most recent observations for exact percentiles. `observe` allocates nothing: a binary search
 * over the bounds and one write into the ring, so it fits hot paths (`@memoryProfile`, app timers,
 * GC pauses).
 *
 * @example
 * const h = new Histogram();
 * h.observe(0.042);
 * h.percentile(0.99);
 * stream.publish({ source: 'app', at: Date.now(), samples: h.toSamples('app_op_seconds', { op: 'submit' }) });
 */
export class Histogram {
  private readonly bounds: Float64Array;
  /** Per-bucket counts (not cumulative); the last slot is +Inf. */
  private readonly counts: Float64Array;
  private readonly reservoir: Float64Array;
  private readonly scratch: Float64Array;
  private next = 0;
  private filled = 0;
  private total = 0;
  private totalSum = 0;
  private lowest = Infinity;
  private highest = -Infinity;

  /**
   * @param buckets upper bounds, strictly increasing and finite (+Inf is implied). @default DEFAULT_LATENCY_BUCKETS_SECONDS
   * @param reservoirSize recent observations kept for percentiles. @default 1024
   */
  constructor(buckets: readonly number[] = DEFAULT_LATENCY_BUCKETS_SECONDS, reservoirSize = 1024) {
    if (!Array.isArray(buckets) || buckets.length === 0) {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        'histogram buckets must be a non-empty array of numbers',
      );
    }
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i];
      if (typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1])) {
        throw new VitalsError(
          'ERR_INVALID_ARGUMENT',
          `histogram buckets must be finite and strictly increasing (got [${buckets.join(', ')}]); +Inf is added for you`,
        );
      }
    }
    if (!Number.isInteger(reservoirSize) || reservoirSize < 1) {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        `histogram reservoirSize must be a whole number ≥ 1 (got ${JSON.stringify(reservoirSize)})`,
      );
    }
    this.bounds = Float64Array.from(buckets);
    this.counts = new Float64Array(buckets.length + 1);
    this.reservoir = new Float64Array(reservoirSize);
    this.scratch = new Float64Array(reservoirSize);
  }

  /** Records one value; NaN and ±Infinity are ignored. */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    // First bucket whose upper bound is ≥ value (Prometheus `le`), or the +Inf slot.
    const bounds = this.bounds;
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value <= bounds[mid]) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]++;
    this.total++;
    this.totalSum += value;
    if (value < this.lowest) this.lowest = value;
    if (value > this.highest) this.highest = value;
    this.reservoir[this.next] = value;
    this.next = this.next + 1 === this.reservoir.length ? 0 : this.next + 1;
    if (this.filled < this.reservoir.length) this.filled++;
  }

  /** Observations since the last reset. */
  get count(): number {
    return this.total;
  }

  /** Sum of the observations since the last reset. */
  get sum(): number {
    return this.totalSum;
  }

  /**
   * The `p` quantile (0..1, nearest rank: the smallest held value with at least `p` of them ≤ it) of the recent observations held in the reservoir; NaN when
   * empty. Sorts a copy: call it when reading, not per observation.
   */
  percentile(p: number): number {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        `percentile() takes a fraction 0..1, e.g. 0.99 for p99 (got ${JSON.stringify(p)})`,
      );
    }
    const sorted = this.sorted();
    return sorted ? rank(sorted, p) : NaN;
  }

  /** Counts, extremes, percentiles and cumulative buckets, sorting the reservoir once. */
  snapshot(): HistogramSnapshot {
    const sorted = this.sorted();
    const empty = this.total === 0;
    const buckets: { le: number; count: number }[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.counts.length; i++) {
      cumulative += this.counts[i];
      buckets.push({ le: i < this.bounds.length ? this.bounds[i] : Infinity, count: cumulative });
    }
    return {
      count: this.total,
      sum: this.totalSum,
      min: empty ? NaN : this.lowest,
      max: empty ? NaN : this.highest,
      mean: empty ? NaN : this.totalSum / this.total,
      p50: sorted ? rank(sorted, 0.5) : NaN,
      p90: sorted ? rank(sorted, 0.9) : NaN,
      p95: sorted ? rank(sorted, 0.95) : NaN,
      p99: sorted ? rank(sorted, 0.99) : NaN,
      buckets,
    };
  }

  /** Forgets every observation. */
  reset(): void {
    this.counts.fill(0);
    this.next = 0;
    this.filled = 0;
    this.total = 0;
    this.totalSum = 0;
    this.lowest = Infinity;
    this.highest = -Infinity;
  }

  /**
   * Prometheus samples: `<name>_bucket` per bound with label `le` (`"0.005"` … `"+Inf"`, cumulative),
   * then `<name>_sum` and `<name>_count`, each with `labels`.
   */
  toSamples(name: string, labels?: Labels): Sample[] {
    const out: Sample[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.counts.length; i++) {
      cumulative += this.counts[i];
      const le = i < this.bounds.length ? String(this.bounds[i]) : '+Inf';
      out.push({ name: `${name}_bucket`, value: cumulative, labels: { ...labels, le } });
    }
    const base = labels && Object.keys(labels).length > 0 ? { labels } : {};
    out.push({ name: `${name}_sum`, value: this.totalSum, ...base });
    out.push({ name: `${name}_count`, value: this.total, ...base });
    return out;
  }

  private sorted(): Float64Array | undefined {
    if (this.filled === 0) return undefined;
    const view = this.scratch.subarray(0, this.filled);
    view.set(this.reservoir.subarray(0, this.filled));
    return view.sort();
  }
}

/** Nearest-rank quantile of an ascending array, p in 0..1. */
function rank(sorted: Float64Array, p: number): number {
  const i = Math.ceil(p * sorted.length) - 1;
  return sorted[i < 0 ? 0 : i];
}
