/**
 * Leak detector under chance: `node tools/bench/run.js tools/bench/leaks-sim.bench.ts [-- --runs N]`
 * (default 300 runs per shape and setting).
 *
 * bench:leaks runs each workload once, so one lucky or unlucky run decides its row. This replays
 * five shapes many times with random point times (a post-GC point every 4–8 s, the first after
 * 5–8 s as the corpus gave before the measurement GC's first baseline at 2 s, or after 2–3 s as
 * it gives now) and random noise (±0.3 MB), through the memory plugin's LeakMonitor, for a few
 * minimum spans and confirmation times, each run 400 s long:
 * - `noise`: ok-plateau-noise.js — 30 MB loaded over 90 s, then batches of 2–12 MB every 5 s, each
 *   held 10–20 s (the floor itself moves: the hardest healthy shape of the corpus);
 * - `cache`: ok-cache-linear.js — a cache filling linearly to 40 MB over 120 s, then full;
 * - `leak1`: 1 MB/min from the start; `step`: 4 MB kept every 30 s;
 * - `leak1+noise` (not in the corpus): 1 MB/min plus batches of 0.4–2.4 MB held 10–20 s from
 *   90 s on, the price of the noise test.
 * It prints, per setting, the false-positive rate of the healthy shapes by 190 s and by 400 s and
 * the leaks' report times (p50, p95) and how many came after the 180 s budget (or never).
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
  [
    'leak1+noise',
    (t, b) =>
      10 +
      t / 60_000 +
      b.filter((x) => x.start <= t && t < x.end).reduce((sum, x) => sum + x.mb / 5, 0),
    true,
  ],
];
const END_MS = 400_000;

/** One run: the time of the first `detected` event, ms, or undefined by 400 s. */
function once(
  shape: Shape,
  minSpanMs: number,
  confirmMs: number,
  firstMs: [number, number],
): number | undefined {
  const batches: Batch[] = [];
  for (let t = 90_000; t < END_MS + 10_000; t += 5000) {
    batches.push({ start: t, end: t + 10_000 + rnd() * 10_000, mb: 2 + rnd() * 10 });
  }
  const monitor = new LeakMonitor({ minSpanMs }, () => 4096 * MB, 5000, undefined, confirmMs);
  let at: number | undefined;
  monitor.events$.subscribe((e) => {
    if (e.state === 'detected' && at === undefined) at = e.at;
  });
  for (
    let t = firstMs[0] + rnd() * (firstMs[1] - firstMs[0]);
    t <= END_MS;
    t += 4000 + rnd() * 4000
  )
    monitor.addPoint('heap', t, shape(t, batches) * MB + (rnd() - 0.5) * 0.6 * MB);
  return at;
}

const BEFORE: [number, number] = [5000, 8000];
const NOW: [number, number] = [2000, 3000];
const settings: [number, number, [number, number]][] = [
  [150_000, 0, BEFORE],
  [150_000, 10_000, BEFORE],
  [145_000, 10_000, BEFORE],
  [140_000, 10_000, BEFORE],
  [150_000, 10_000, NOW],
  [145_000, 10_000, NOW],
];
console.log(
  `${RUNS} runs per shape, 400 s each; a point every 4–8 s; the defaults are minSpan 145 s, confirm 10 s, first point after 2–3 s`,
);
const pct = (n: number): string => `${((n / RUNS) * 100).toFixed(1)} %`;
for (const [minSpanMs, confirmMs, firstMs] of settings) {
  const cells: string[] = [];
  for (const [name, shape, leak] of SHAPES) {
    seed = 7;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++)
      times.push(once(shape, minSpanMs, confirmMs, firstMs) ?? Infinity);
    if (!leak) {
      const by190 = times.filter((ms) => ms <= 190_000).length;
      const by400 = times.filter(Number.isFinite).length;
      cells.push(`${name} flagged ${pct(by190)} (by 400 s ${pct(by400)})`);
      continue;
    }
    times.sort((a, b) => a - b);
    const s = (ms: number): string =>
      Number.isFinite(ms) ? `${Math.round(ms / 1000)} s` : 'never';
    const late = times.filter((ms) => ms > 180_000).length;
    cells.push(
      `${name} p50 ${s(times[Math.floor(RUNS / 2)])} p95 ${s(times[Math.floor(RUNS * 0.95)])} after 180 s ${pct(late)}`,
    );
  }
  console.log(
    `minSpan ${minSpanMs / 1000} s, confirm ${confirmMs / 1000} s, first point ${firstMs[0] / 1000}–${firstMs[1] / 1000} s: ${cells.join('; ')}`,
  );
}
