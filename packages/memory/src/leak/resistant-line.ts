/**
 * Tukey's resistant line: the slope between the medians of the left and right thirds of the
 * points, (median y of the right third − median y of the left third) / (median x of the right
 * third − median x of the left third). Resistant to outliers like Theil–Sen, but it measures the
 * net rise across the range: a staircase whose steps are few and far apart (4 MB kept every 30 s)
 * has most pairwise slopes at zero, so Theil–Sen's median calls it flat, while this line sees the
 * rise. The leak detector's plateau test uses it on the window's recent part. Points must be sorted
 * by x; two points give the slope between them, fewer give 0.
 *
 * @example
 * resistantSlope([0, 1, 2, 3, 4, 5], [0, 0, 0, 4, 4, 4]); // 4 / 4 = 1 (Theil–Sen: 0)
 */
export function resistantSlope(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  if (n === 2) return xs[1] > xs[0] ? (ys[1] - ys[0]) / (xs[1] - xs[0]) : 0;
  const third = Math.max(1, Math.floor(n / 3));
  const left = Array.from({ length: third }, (_, i) => i);
  const right = Array.from({ length: third }, (_, i) => n - third + i);
  const dx = median(right.map((i) => xs[i])) - median(left.map((i) => xs[i]));
  if (!(dx > 0)) return 0;
  return (median(right.map((i) => ys[i])) - median(left.map((i) => ys[i]))) / dx;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
