import type { RecordableHistogram } from 'node:perf_hooks';

/** What the runtime collector reports of one tick's event-loop delay samples, ns. */
export interface DelaySummary {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** Every sample, ascending, as `percentile()` reads it (the highest value of its HDR bucket). */
  readonly sorted: readonly number[];
}

/** The histogram reads used; `monitorEventLoopDelay()` and `createHistogram()` both fit. */
export type HdrReads = Pick<RecordableHistogram, 'count' | 'min' | 'max' | 'percentile'>;

/** Bit length of a non-negative integer below 2^53. */
function bitLength(v: number): number {
  const hi = Math.floor(v / 4294967296);
  return hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(v >>> 0);
}

/**
 * The middle of the HDR bucket whose highest value is `v`, for Node's histograms (lowest
 * trackable value 1, 3 significant figures: 2048 sub-buckets, so a value of bit length b ≥ 12
 * shares its bucket with 2^(b − 11) values). HdrHistogram's mean and standard deviation weigh
 * each sample at this value (`hdr_median_equivalent_value`).
 */
export function medianEquivalent(v: number): number {
  const size = 2 ** Math.max(0, bitLength(v) - 11);
  return Math.floor(v / size) * size + Math.floor(size / 2);
}

/** HdrHistogram's `hdr_value_at_percentile` over samples already read in order. */
function at(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.trunc((p / 100) * sorted.length + 0.5));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * One tick's event-loop delay figures, from the samples themselves: when the histogram holds at
 * most `maxSamples` (a 1 s tick at the default 50 ms resolution holds about 20), each is read with
 * `percentile()` (the k-th smallest at percentile (k − 0.25)/n, see EventLoopDelayHistogram) and
 * the mean, standard deviation and percentiles are computed from them exactly as HdrHistogram
 * computes its own — the same numbers for a fraction of the CPU: Node's `stddev` and `mean`
 * getters walk all of the histogram's ~100 000 counters (measured 430 µs and 66 µs a read on
 * this machine, against ~5 µs per `percentile()`). Undefined when the histogram is empty or holds
 * more than `maxSamples` (then read its getters).
 *
 * @example const s = summarizeDelays(histogram); if (s) report(s.p99);
 */
export function summarizeDelays(h: HdrReads, maxSamples = 128): DelaySummary | undefined {
  const n = h.count;
  if (n <= 0 || n > maxSamples) return undefined;
  const sorted: number[] = new Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) {
    const v = h.percentile(((k - 0.25) / n) * 100);
    sorted[k - 1] = v;
    total += medianEquivalent(v);
  }
  const mean = total / n;
  let squares = 0;
  for (const v of sorted) {
    const dev = medianEquivalent(v) - mean;
    squares += dev * dev;
  }
  return {
    count: n,
    min: h.min,
    max: h.max,
    mean,
    stddev: Math.sqrt(squares / n),
    p50: at(sorted, 50),
    p90: at(sorted, 90),
    p99: at(sorted, 99),
    sorted,
  };
}

/**
 * A window's figures while the delay timer was paused (see RuntimeCollector): `n` samples (at
 * least 1) at `resolutionNs` — on time — the last of them `lateNs` later (0: none late). Values in
 * ns as the HDR histogram would hold them; mean and spread weigh them as {@link summarizeDelays}.
 */
export function pausedDelays(resolutionNs: number, n: number, lateNs: number): DelaySummary {
  const count = Math.max(1, n);
  const sorted: number[] = new Array<number>(count).fill(resolutionNs);
  sorted[count - 1] = resolutionNs + Math.round(lateNs);
  const mean = sorted.reduce((t, v) => t + medianEquivalent(v), 0) / count;
  const squares = sorted.reduce((t, v) => t + (medianEquivalent(v) - mean) ** 2, 0);
  return {
    count,
    min: sorted[0],
    max: sorted[count - 1],
    mean,
    stddev: Math.sqrt(squares / count),
    p50: at(sorted, 50),
    p90: at(sorted, 90),
    p99: at(sorted, 99),
    sorted,
  };
}
