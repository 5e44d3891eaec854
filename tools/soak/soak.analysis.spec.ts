// The soak's verdict on made-up runs: what passes, what fails, and why (issue 11).
export {};
type Point = [number, number];
const { judge, fitSlope, HEAP_SLOPE_FLOOR } = require('./soak.analysis.js') as {
  judge(w: { heap: Point[]; fds: Point[]; loopP99Ms: number }): {
    heap: { slopePerMin: number; lowPerMin: number };
    failures: string[];
  };
  fitSlope(points: Point[]): { slope: number; low: number; high: number };
  HEAP_SLOPE_FLOOR: number;
};

const MiB = 1024 * 1024;
/** Deterministic noise in [-1, 1]. */
const noise = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 78.233) * 0.5;
/** A post-GC point every 5 s for `seconds`, growing `perMin` bytes a minute, ±`jitter`. */
const heap = (seconds: number, perMin: number, jitter = 100 * 1024): Point[] =>
  Array.from({ length: Math.floor(seconds / 5) }, (_, i) => [
    i * 5,
    16 * MiB + (perMin * i * 5) / 60 + jitter * noise(i),
  ]);
const fds = (seconds: number, perMin = 0): Point[] =>
  Array.from({ length: seconds }, (_, t) => [
    t,
    26 + Math.floor((perMin * t) / 60) + (t % 7 === 0 ? 1 : 0),
  ]);

describe('soak verdict', () => {
  it('passes a flat, noisy heap, steady fds and a quick event loop', () => {
    expect(judge({ heap: heap(450, 0), fds: fds(450), loopP99Ms: 12 }).failures).toEqual([]);
  });

  it('passes growth below the floor (V8 still warming up), fails a leak above it', () => {
    expect(judge({ heap: heap(450, 40 * 1024), fds: fds(450), loopP99Ms: 5 }).failures).toEqual([]);
    const leak = judge({ heap: heap(450, 256 * 1024), fds: fds(450), loopP99Ms: 5 });
    expect(leak.failures).toEqual([expect.stringMatching(/^post-GC heap grows 25\d\.\d KiB\/min/)]);
    expect(leak.heap.lowPerMin).toBeGreaterThan(HEAP_SLOPE_FLOOR);
  });

  it('is not tilted by a few natural major GCs that caught more live data', () => {
    const points = heap(450, 0).map(([t, v], i): Point => [t, i % 11 === 5 ? v + 1.5 * MiB : v]);
    expect(judge({ heap: points, fds: fds(450), loopP99Ms: 5 }).failures).toEqual([]);
  });

  it('in a 60 s run catches a gross leak and lets warm-up growth pass', () => {
    expect(
      judge({ heap: heap(45, 600 * 1024, 300 * 1024), fds: fds(45), loopP99Ms: 5 }).failures,
    ).toEqual([]);
    expect(judge({ heap: heap(45, 6 * MiB), fds: fds(45), loopP99Ms: 5 }).failures).toHaveLength(1);
  });

  it('fails on fds that keep growing and on an event-loop p99 over 50 ms, and on no data', () => {
    expect(judge({ heap: heap(450, 0), fds: fds(450, 1), loopP99Ms: 5 }).failures).toEqual([
      expect.stringMatching(/^open fds grew from 2\d to 3\d/),
    ]);
    expect(judge({ heap: heap(450, 0), fds: fds(450), loopP99Ms: 51 }).failures).toEqual([
      'event-loop p99 51.0 ms > 50 ms',
    ]);
    expect(judge({ heap: [], fds: [], loopP99Ms: NaN }).failures).toHaveLength(3);
  });

  it('fits the Theil–Sen slope and an interval that holds it', () => {
    const f = fitSlope([
      [0, 0],
      [1, 2],
      [2, 4],
      [3, 6],
      [4, 100],
    ]);
    expect(f.slope).toBe(2);
    expect(f.low).toBeLessThanOrEqual(2);
    expect(f.high).toBeGreaterThanOrEqual(2);
  });
});
