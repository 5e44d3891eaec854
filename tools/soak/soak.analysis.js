// The soak's verdict, apart from the processes so a spec can feed it series (soak.analysis.spec.ts).
'use strict';

const KiB = 1024;

/**
 * Tolerances, and why:
 *
 * - post-GC heap: Theil–Sen slope over the measuring window with Sen's 3-sigma confidence
 *   interval ({@link fitSlope}). The heap "grows beyond noise" when even the low end of that interval
 *   is above HEAP_SLOPE_FLOOR. 3 sigma: a heap that does not grow fails about 1 run in 700 by
 *   chance; Theil–Sen: the post-GC figure of a natural major GC, taken mid-tick with more data
 *   alive, is an outlier upward that would tilt a least-squares line. The floor, 64 KiB/min
 *   (≈ 90 MiB a day), is growth by design that a run cannot wait out: V8 keeps compiling and
 *   optimising (code and feedback live in the heap) for minutes — measured here, the baseline
 *   rises ~600 KiB/min in the first minute, ~40 KiB/min between minutes 2.5 and 10 (10-minute
 *   soak, default windows) — and the exhaustion projection keeps one point a minute for 12 h.
 *   A leak of one small object per tick (100 B × 10 ticks/s = 59 KiB/min) sits at the floor;
 *   anything larger fails given enough points. A 60 s run (about 9 points, still warming up)
 *   only catches gross leaks (measured: 6 MiB/min fails, low end 5 MiB/min; a clean run's
 *   interval spans about ±2 MiB/min); the 10-minute run resolves about ±8 KiB/min.
 * - open fds: the median of the last third of the window against that of the first third. An fd
 *   count is exact; what varies between two reads is in flight at that instant (the soak's own
 *   scrape and /events sockets, a /proc read, a child's pipes during a restart), at most
 *   FD_NOISE. A leak of one fd a minute shows in a 10-minute run.
 * - event-loop delay: the p99 of the host's own delay samples (10 ms resolution, resolution
 *   subtracted) over the whole window must be at most LOOP_P99_LIMIT_MS, as issue 11 asks.
 */
const HEAP_SLOPE_FLOOR = 64 * KiB; // bytes per minute
const HEAP_SIGMAS = 3;
const FD_NOISE = 3;
const LOOP_P99_LIMIT_MS = 50;

const median = (xs) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Theil–Sen slope of [t, v] points (the median of the slopes between every pair: a natural major
 * GC that caught more live data than the periodic ones is one outlier, not a trend) and Sen's
 * distribution-free confidence interval around it at `sigmas` (Sen 1968: the pairwise slopes of
 * rank (N ∓ C)/2, C = sigmas·√(n(n−1)(2n+5)/18), N = n(n−1)/2). `se` is half the interval's
 * width over `sigmas`, comparable to a standard error.
 */
function fitSlope(points, sigmas = 3) {
  const n = points.length;
  if (n < 3) return { slope: NaN, low: NaN, high: NaN, se: NaN, n };
  const slopes = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const dt = points[j][0] - points[i][0];
      if (dt !== 0) slopes.push((points[j][1] - points[i][1]) / dt);
    }
  if (slopes.length === 0) return { slope: NaN, low: NaN, high: NaN, se: NaN, n };
  slopes.sort((a, b) => a - b);
  const N = slopes.length;
  const C = sigmas * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  const at = (rank) => slopes[Math.min(N - 1, Math.max(0, Math.round(rank) - 1))];
  const low = at((N - C) / 2);
  const high = at((N + C) / 2 + 1);
  return { slope: median(slopes), low, high, se: (high - low) / 2 / sigmas, n };
}

/**
 * The verdict on one run.
 * @param {{heap: [number, number][], fds: [number, number][], loopP99Ms: number}} window
 *   post-GC heap points [seconds, bytes] and fd counts [seconds, count] inside the measuring
 *   window, the host's event-loop p99 over it, and how fast the heap may grow (bytes a minute,
 *   default {@link HEAP_SLOPE_FLOOR}).
 * @returns {{heap: {slopePerMin: number, sePerMin: number, points: number}, fds: {first: number, last: number}, failures: string[]}}
 */
function judge({ heap, fds, loopP99Ms, heapToleranceBytesPerMin = HEAP_SLOPE_FLOOR }) {
  const failures = [];
  const h = fitSlope(heap, HEAP_SIGMAS);
  const slopePerMin = h.slope * 60;
  const sePerMin = h.se * 60;
  const lowPerMin = h.low * 60;
  if (!Number.isFinite(slopePerMin))
    failures.push(`too few post-GC heap figures to fit a slope (${heap.length}; need 3)`);
  else if (lowPerMin > heapToleranceBytesPerMin)
    failures.push(
      `post-GC heap grows ${(slopePerMin / KiB).toFixed(1)} KiB/min, at least ${(lowPerMin / KiB).toFixed(1)} KiB/min at ${HEAP_SIGMAS} sigma (tolerance ${heapToleranceBytesPerMin / KiB} KiB/min)`,
    );
  const third = Math.max(1, Math.floor(fds.length / 3));
  const first = median(fds.slice(0, third).map(([, v]) => v));
  const last = median(fds.slice(-third).map(([, v]) => v));
  if (!Number.isFinite(first) || !Number.isFinite(last)) failures.push('no fd counts');
  else if (last - first > FD_NOISE)
    failures.push(`open fds grew from ${first} to ${last} (median of the first and last thirds)`);
  if (!(loopP99Ms <= LOOP_P99_LIMIT_MS))
    failures.push(`event-loop p99 ${Number(loopP99Ms).toFixed(1)} ms > ${LOOP_P99_LIMIT_MS} ms`);
  return {
    heap: { slopePerMin, sePerMin, lowPerMin, points: heap.length },
    fds: { first, last },
    failures,
  };
}

module.exports = { judge, fitSlope, median, HEAP_SLOPE_FLOOR, FD_NOISE, LOOP_P99_LIMIT_MS };
