/** A robust straight-line fit. */
export interface RobustFit {
  /** Median of the pairwise slopes (units of y per unit of x). */
  readonly slope: number;
  /** Median of `y − slope·x`. */
  readonly intercept: number;
  /**
   * Kendall-style agreement −1…1: (rising pairs − falling pairs) / (rising + falling), ties left
   * out. 1 means every pair of points that differs at all rises.
   */
  readonly agreement: number;
}

/**
 * Theil–Sen estimator: the median of the slopes of every pair of points. Up to ~29 % of the
 * points can be arbitrary outliers (a burst, one GC that ran mid-request) without moving it,
 * unlike least squares. O(n²) pairs: callers keep `n` small (the leak detector feeds ≤ ~120
 * bucketed points).
 *
 * @example
 * theilSen([0, 1, 2], [10, 11, 12]).slope; // 1
 */
export function theilSen(xs: ArrayLike<number>, ys: ArrayLike<number>): RobustFit {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return { slope: 0, intercept: n === 1 ? ys[0] : 0, agreement: 0 };
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  let rising = 0;
  let falling = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j] - xs[i];
      if (dx === 0) continue;
      const dy = ys[j] - ys[i];
      slopes[k++] = dy / dx;
      if (dy * dx > 0) rising++;
      else if (dy * dx < 0) falling++;
    }
  }
  if (k === 0)
    return {
      slope: 0,
      intercept: median(Float64Array.from({ length: n }, (_, i) => ys[i])),
      agreement: 0,
    };
  const slope = median(slopes.subarray(0, k));
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) residuals[i] = ys[i] - slope * xs[i];
  const intercept = median(residuals);
  const decided = rising + falling;
  return { slope, intercept, agreement: decided === 0 ? 0 : (rising - falling) / decided };
}

/** Median of a numeric array (sorts it in place). */
function median(values: Float64Array): number {
  values.sort();
  const mid = values.length >>> 1;
  return values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}
