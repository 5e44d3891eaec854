#!/usr/bin/env node
// Soak test of a host with every plugin (issue 11):
//   node tools/soak/soak.js [--seconds 600] [--json]
// Starts tools/soak/host.js (every plugin at a 100 ms tick, 200 application series, 50 rules that
// flap every tick, a supervised child) and samples it from the outside: RSS and open fds from
// /proc/<pid>/status and /proc/<pid>/fd every second, the post-GC heap
// (vitals_heap_after_gc_bytes, memory plugin) and the event-loop delay p99
// (nodejs_eventloop_lag_p99_seconds) from its /metrics every 2 s. The first 20 % is warm-up.
// Fails (exit 1) when, after warm-up, the post-GC heap grows by more than max(4 MiB, 10 %) from
// the first third to the last, the open fds by more than 8, or the median event-loop p99 passes
// 50 ms. Needs the packages built (npm run build).
'use strict';
const { spawn } = require('node:child_process');
const { readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('seconds', '600'));
if (!Number.isInteger(seconds) || seconds < 20 || seconds > 86_400) {
  console.error('soak: --seconds must be a whole number from 20 to 86400');
  process.exit(64);
}
const MiB = 1024 * 1024;
const root = path.resolve(__dirname, '../..');

const rssBytes = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const openFds = (pid) => readdirSync(`/proc/${pid}/fd`).length;
const metric = (text, name) => {
  const m = new RegExp(`^${name}(?:\\{\\})? ([0-9.e+-]+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
/** Least-squares slope of [t, v] points, per second. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((s, [t]) => s + t, 0) / n;
  const mv = points.reduce((s, [, v]) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    num += (t - mt) * (v - mv);
    den += (t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main() {
  const child = spawn(process.execPath, [path.join(__dirname, 'host.js')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH },
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const info = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) =>
      reject(new Error(`soak host exited early (${code}); run npm run build first`)),
    );
  });
  const started = Date.now();
  const samples = []; // { t, rss, fds, heap?, p99? }
  let scrapeFailures = 0;
  let hostDied;
  exited.then((code) => (hostDied = code));
  while (Date.now() - started < seconds * 1000 && hostDied === undefined) {
    const t = (Date.now() - started) / 1000;
    const s = { t, rss: rssBytes(info.pid), fds: openFds(info.pid) };
    if (samples.length % 2 === 0) {
      try {
        const text = await (await fetch(`http://127.0.0.1:${info.port}/metrics`)).text();
        s.heap = metric(text, 'vitals_heap_after_gc_bytes');
        s.p99 = metric(text, 'nodejs_eventloop_lag_p99_seconds');
      } catch {
        scrapeFailures++;
      }
    }
    samples.push(s);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const diedEarly = hostDied;
  if (diedEarly === undefined) child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (diedEarly !== undefined) {
    console.error(`soak: FAILED: the host died during the run (${diedEarly})`);
    process.exit(1);
  }

  const steady = samples.filter((s) => s.t >= seconds * 0.2);
  const third = Math.max(1, Math.floor(steady.length / 3));
  const first = steady.slice(0, third);
  const last = steady.slice(-third);
  const heaps = (xs) => xs.filter((s) => s.heap !== undefined).map((s) => s.heap);
  // The post-GC figure exists only after the first major GC: fall back to the first one seen.
  const heapFirst = median(heaps(first)) ?? heaps(steady)[0] ?? NaN;
  const heapLast = median(heaps(last)) ?? NaN;
  const heapSlope = slope(steady.filter((s) => s.heap !== undefined).map((s) => [s.t, s.heap]));
  const fdFirst = Math.max(...first.map((s) => s.fds));
  const fdLast = Math.max(...last.map((s) => s.fds));
  const p99s = steady.filter((s) => s.p99 !== undefined).map((s) => s.p99 * 1000);
  const result = {
    seconds,
    samples: samples.length,
    scrapeFailures,
    rssStartMiB: samples[0].rss / MiB,
    rssEndMiB: samples[samples.length - 1].rss / MiB,
    heapAfterGcFirstMiB: heapFirst / MiB,
    heapAfterGcLastMiB: heapLast / MiB,
    heapAfterGcSlopeKiBPerMin: (heapSlope * 60) / 1024,
    fdsStart: samples[0].fds,
    fdsFirstThirdMax: fdFirst,
    fdsLastThirdMax: fdLast,
    eventLoopP99MedianMs: median(p99s),
    eventLoopP99P95Ms: pct(p99s, 0.95),
    eventLoopP99MaxMs: Math.max(...p99s),
  };
  const failures = [];
  if (!Number.isFinite(heapFirst) || !Number.isFinite(heapLast))
    failures.push('no post-GC heap figures (vitals_heap_after_gc_bytes) were scraped');
  else if (heapLast - heapFirst > Math.max(4 * MiB, heapFirst * 0.1))
    failures.push(`post-GC heap grew ${((heapLast - heapFirst) / MiB).toFixed(1)} MiB`);
  if (fdLast - fdFirst > 8) failures.push(`open fds grew from ${fdFirst} to ${fdLast}`);
  if (!(result.eventLoopP99MedianMs <= 50))
    failures.push(`event-loop p99 median ${result.eventLoopP99MedianMs} ms > 50 ms`);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ ...result, failures }));
  else {
    const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
    console.log(`soak: ${seconds} s, ${samples.length} samples, Node ${process.version}`);
    console.log('| figure | value |\n| --- | --- |');
    console.log(`| RSS start → end | ${f(result.rssStartMiB)} → ${f(result.rssEndMiB)} MiB |`);
    console.log(
      `| post-GC heap, first third → last third (median) | ${f(result.heapAfterGcFirstMiB, 2)} → ${f(result.heapAfterGcLastMiB, 2)} MiB |`,
    );
    console.log(
      `| post-GC heap slope (after warm-up) | ${f(result.heapAfterGcSlopeKiBPerMin, 1)} KiB/min |`,
    );
    console.log(
      `| open fds start / first third max / last third max | ${result.fdsStart} / ${fdFirst} / ${fdLast} |`,
    );
    console.log(
      `| event-loop p99 median / p95 / max | ${f(result.eventLoopP99MedianMs)} / ${f(result.eventLoopP99P95Ms)} / ${f(result.eventLoopP99MaxMs)} ms |`,
    );
    console.log(failures.length ? `soak: FAILED: ${failures.join('; ')}` : 'soak: passed');
  }
  process.exit(failures.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`soak: ${error.message}`);
  process.exit(1);
});
