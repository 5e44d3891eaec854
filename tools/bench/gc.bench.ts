/**
 * V8 profiles under load: `npm run bench:gc [-- --duration S] [--rounds N] [--only profiles|measurement]`.
 *
 * Second part, the measurement GC's cost (issue 10, item 2): for live heaps of 20, 50, 100, 250 and
 * 500 MB (the default cap is 256 MiB: the 500 MB row shows what the cap avoids), a child holding
 * that much forces full GCs the way the memory plugin and the agent do
 * (`v8.setFlagsFromString('--expose-gc')` + `vm.runInNewContext('gc')`), 10 times, and reports the
 * pause (p50, max) and the CPU time one costs (`process.cpuUsage()`, helper threads included).
 * Under the default policy one runs at most every max(afterMs = 10 s, pause / maxPauseRatio =
 * 100 × pause), and only while no major GC runs by itself: the worst-case pause and CPU shares
 * follow.
 *
 * Runs one allocation-heavy workload (short-lived request objects plus a 150k-entry ring that
 * keeps promoting into old space) as a child under the default flags and under each profile of
 * `recommendFlags()` (container, throughput, low-memory), one at a time, rounds interleaved, and
 * prints GC pause p50/p99, GC count, time in GC and throughput (operations/s) side by side.
 */
import { spawn } from 'node:child_process';
import { createV8Tuner } from '@vitals/memory';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const DURATION_S = opt('--duration', 8);
const ROUNDS = Math.max(1, opt('--rounds', 2));

const WORKLOAD = `
const { PerformanceObserver } = require('node:perf_hooks');
const pauses = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) pauses.push(e.duration); }).observe({ entryTypes: ['gc'] });
const ring = new Array(150000);
let ops = 0;
const end = Date.now() + ${DURATION_S * 1000};
function batch() {
  for (let i = 0; i < 2000; i++) {
    const req = { id: ops, body: 'x'.repeat(64) + ops, items: [ops, ops + 1, ops + 2], meta: { at: Date.now() } };
    ring[ops % ring.length] = req.items;
    ops++;
  }
  if (Date.now() < end) setImmediate(batch);
  else setImmediate(() => process.send({ ops, seconds: ${DURATION_S}, pauses }, () => process.exit(0)));
}
batch();
`;

interface Run {
  ops: number;
  seconds: number;
  pauses: number[];
}
function runChild(flags: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, '-e', WORKLOAD], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), (DURATION_S + 30) * 1000);
    child.once('message', (m) => resolve(m as Run));
    child.once('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0)
        reject(new Error(`workload under ${flags.join(' ') || 'default'} exited ${code}`));
    });
  });
}

const pct = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const MEASURE = `
const v8 = require('node:v8');
const vm = require('node:vm');
const { performance } = require('node:perf_hooks');
const live = [];
const target = Number(process.argv[1]) * 1024 * 1024;
while (v8.getHeapStatistics().used_heap_size < target) live.push({ id: live.length, s: 'x'.repeat(200) + live.length, a: [1, 2, 3] });
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
v8.setFlagsFromString('--no-expose-gc');
gc();
const pauses = [];
const cpu = [];
for (let i = 0; i < 10; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  gc();
  pauses.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
process.send({ heap: v8.getHeapStatistics().used_heap_size, pauses, cpu, kept: live.length }, () => process.exit(0));
`;

async function measurementCost(): Promise<void> {
  console.log(
    '\nmeasurement GC cost (one forced full GC; at most one per max(10 s, 100 × pause); none above 256 MiB)',
  );
  const rows = [
    [
      'live heap',
      'pause p50',
      'pause max',
      'CPU per GC',
      'at most every',
      'pause share',
      'CPU share (of a core)',
    ],
  ];
  for (const mb of [20, 50, 100, 250, 500]) {
    const r = await new Promise<{ heap: number; pauses: number[]; cpu: number[] }>(
      (resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--max-old-space-size=2048', '-e', MEASURE, String(mb)],
          {
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          },
        );
        child.once('message', (m) =>
          resolve(m as { heap: number; pauses: number[]; cpu: number[] }),
        );
        child.once(
          'exit',
          (code) => code !== 0 && reject(new Error(`measurement child exited ${code}`)),
        );
      },
    );
    const p = [...r.pauses].sort((a, b) => a - b);
    const cpuMs = median(r.cpu);
    const p50 = pct(p, 0.5);
    const capped = r.heap > 256 * 1048576;
    const everyMs = Math.max(10_000, p50 / 0.01);
    rows.push([
      `${(r.heap / 1048576).toFixed(0)} MB`,
      `${p50.toFixed(1)} ms`,
      `${p[p.length - 1].toFixed(1)} ms`,
      `${cpuMs.toFixed(1)} ms`,
      capped ? 'never (above the cap)' : `${(everyMs / 1000).toFixed(0)} s`,
      capped ? '-' : `${((p50 / everyMs) * 100).toFixed(2)} %`,
      capped ? '-' : `${((cpuMs / everyMs) * 100).toFixed(2)} %`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
}

async function main(): Promise<void> {
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  if (only !== 'measurement') await profilesTable();
  if (only !== 'profiles') await measurementCost();
}

async function profilesTable(): Promise<void> {
  const tuner = createV8Tuner();
  const profiles: [string, readonly string[]][] = [
    ['default', []],
    ...(['container', 'throughput', 'low-memory'] as const).map(
      (p) => [p, tuner.recommendFlags(p).flags] as [string, readonly string[]],
    ),
  ];
  const results = new Map<string, Run[]>(profiles.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, flags] of profiles) results.get(name)?.push(await runChild(flags));
  }
  console.log(`bench:gc — ${DURATION_S} s × ${ROUNDS} rounds per profile (medians over rounds)`);
  const rows = [['profile', 'flags', 'GC p50', 'GC p99', 'GCs', 'GC time', 'throughput']];
  for (const [name, flags] of profiles) {
    const runs = results.get(name) ?? [];
    const stat = (f: (r: Run) => number): number => median(runs.map(f));
    const sorted = (r: Run): number[] => [...r.pauses].sort((a, b) => a - b);
    rows.push([
      name,
      flags.join(' ') || '(none)',
      `${stat((r) => pct(sorted(r), 0.5)).toFixed(2)} ms`,
      `${stat((r) => pct(sorted(r), 0.99)).toFixed(2)} ms`,
      String(stat((r) => r.pauses.length)),
      `${stat((r) => r.pauses.reduce((a, b) => a + b, 0) / (r.seconds * 10)).toFixed(1)} %`,
      `${(stat((r) => r.ops / r.seconds) / 1e6).toFixed(2)} M ops/s`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
}

void main().catch((error: unknown) => {
  console.error(String(error));
  process.exitCode = 1;
});
