/** One cumulative bucket: observations ≤ `le` (`Infinity` for `+Inf`). */
export interface Bucket {
  readonly le: number;
  readonly count: number;
}

/**
 * The `q` quantile (0–1) of a cumulative histogram, as Prometheus' `histogram_quantile` computes
 * it: find the bucket the rank falls in and interpolate linearly inside it (from 0 for the first
 * bucket); a rank in the `+Inf` bucket answers the highest finite bound. NaN when the histogram
 * holds no observations or `q` is outside 0–1. Buckets may come in any order.
 *
 * @example histogramQuantile(0.5, [{ le: 0.1, count: 2 }, { le: 1, count: 4 }, { le: Infinity, count: 4 }]) // 0.1
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  if (!(q >= 0 && q <= 1) || buckets.length === 0) return NaN;
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1].count;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      const inBucket = b.count - prevCount;
      if (inBucket <= 0) return b.le;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** Parses an `le` label (`"0.005"`, `"+Inf"`) to a number; NaN when it is not one. */
export function parseLe(le: string | undefined): number {
  if (le === '+Inf' || le === 'Inf') return Infinity;
  if (le === undefined || le.trim() === '') return NaN;
  return Number(le);
}
