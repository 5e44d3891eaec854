/**
 * Leak detector under chance: `node tools/bench/run.js tools/bench/leaks-sim.bench.ts [-- --runs N]`
 * (default 300 runs per shape and setting).
 *
 * bench:leaks runs each workload once, so one lucky or unlucky run decides its row. This replays
 * four shapes many times with random point times (a post-GC point every 4–8 s, the first after
 * 5–8 s, as the corpus gives on a loaded machine) and random noise (±0.3 MB), through the memory
 * plugin's LeakMonitor, for a few minimum spans and confirmation times:
 * - `noise`: ok-plateau-noise.js — 30 MB loaded over 90 s, then batches of 2–12 MB every 5 s, each
 *   held 10–20 s (the floor itself moves: the hardest healthy shape of the corpus);
 * - `cache`: ok-cache-linear.js — a cache filling linearly to 40 MB over 120 s, then full;
 * - `leak1`: 1 MB/min from the start; `step`: 4 MB kept every 30 s.
 * It prints, per setting, the false-positive rate of the healthy shapes by 190 s and the leaks'
 * report times (p50, p95) and how many came after the 180 s budget (or never).
 */
import { LeakMonitor } from '@vitals/memory';

const MB = 1024 * 1024;
const runsArg = process.argv.indexOf('--runs');
const RUNS = Math.max(10, Number(runsArg > 0 ? process.argv[runsArg + 1] : 300) || 300);

let seed = 7;
/** Park–Miller: the same sequence every run of the bench. */
const rnd = (): number => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};

interface Batch {
  start: number;
  end: number;
  mb: number;
}
type Shape = (t: number, batches: Batch[]) => number;

const SHAPES: [string, Shape, boolean][] = [
  [
    'noise',
    (t, b) =>
      10 +
      Math.min(t, 90_000) / 3000 +
      b.filter((x) => x.start <= t && t < x.end).reduce((sum, x) => sum + x.mb, 0),
    false,
  ],
  ['cache', (t) => 10 + Math.min(t, 120_000) / 3000, false],
  ['leak1', (t) => 10 + t / 60_000, true],
  ['step', (t) => 10 + Math.floor(t / 30_000) * 4, true],
];

/** One run: the time of the first `detected` event, ms, or undefined by 190 s. */
function once(shape: Shape, minSpanMs: number, confirmMs: number): number | undefined {
  const batches: Batch[] = [];
  for (let t = 90_000; t < 200_000; t += 5000) {
    batches.push({ start: t, end: t + 10_000 + rnd() * 10_000, mb: 2 + rnd() * 10 });
  }
  const monitor = new LeakMonitor({ minSpanMs }, () => 4096 * MB, 5000, undefined, confirmMs);
  let at: number | undefined;
  monitor.events$.subscribe((e) => {
    if (e.state === 'detected' && at === undefined) at = e.at;
  });
  for (let t = 5000 + rnd() * 3000; t <= 190_000; t += 4000 + rnd() * 4000)
    monitor.addPoint('heap', t, shape(t, batches) * MB + (rnd() - 0.5) * 0.6 * MB);
  return at;
}

const settings: [number, number][] = [
  [150_000, 0],
  [150_000, 10_000],
  [145_000, 10_000],
  [140_000, 10_000],
];
console.log(
  `${RUNS} runs per shape; a point every 4–8 s; the defaults are minSpan 145 s, confirm 10 s`,
);
for (const [minSpanMs, confirmMs] of settings) {
  const cells: string[] = [];
  for (const [name, shape, leak] of SHAPES) {
    seed = 7;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(once(shape, minSpanMs, confirmMs) ?? Infinity);
    if (!leak) {
      const flagged = times.filter(Number.isFinite).length;
      cells.push(`${name} flagged ${((flagged / RUNS) * 100).toFixed(1)} %`);
      continue;
    }
    times.sort((a, b) => a - b);
    const s = (ms: number): string =>
      Number.isFinite(ms) ? `${Math.round(ms / 1000)} s` : 'never';
    const late = times.filter((ms) => ms > 180_000).length;
    cells.push(
      `${name} p50 ${s(times[Math.floor(RUNS / 2)])} p95 ${s(times[Math.floor(RUNS * 0.95)])} after 180 s ${((late / RUNS) * 100).toFixed(1)} %`,
    );
  }
  console.log(`minSpan ${minSpanMs / 1000} s, confirm ${confirmMs / 1000} s: ${cells.join('; ')}`);
}
