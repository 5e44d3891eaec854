#!/usr/bin/env node
// Soak test of a host with every plugin (issue 11):
//
//   node tools/soak/soak.js [--seconds 600] [--json] [--leak BYTES] [--leak-fds N]
//
// Starts tools/soak/host.js (every plugin at a 100 ms tick, 200 application series, 50 rules that
// flap every tick, a supervised child, one /events client) and a bare Node control beside it, and
// samples the host for --seconds (20–86400, default 600):
//   - from outside, every second: RSS (/proc/<pid>/status VmRSS) and open fds (/proc/<pid>/fd);
//   - from its own figures, every second: /metrics (the post-GC heap vitals_heap_after_gc_bytes
//     from the memory plugin's GC observer, with a full GC every 5 s; process_open_fds;
//     vitals_eventloop_delay_seconds) and, over IPC, its event-loop delay at a 10 ms resolution.
// The first quarter is warm-up (history ring buffers are sized to be full by then). Over the rest
// it fails (exit 1) when the post-GC heap or the fds grow beyond noise, or the event-loop p99
// passes 50 ms (soak.analysis.js says how and why). Prints a table (or one JSON object), and the
// control's delays beside the host's: on a loaded machine both rise. --leak and --leak-fds make
// the host leak on purpose: the soak must then fail (its own check). Needs `npm run build`.
'use strict';
const { spawn } = require('node:child_process');
const { readFileSync, readdirSync } = require('node:fs');
const { get } = require('node:http');
const path = require('node:path');
const { judge, median } = require('./soak.analysis');

const USAGE =
  'usage: node tools/soak/soak.js [--seconds 20..86400] [--json] [--leak BYTES] [--leak-fds N] [--heap-tolerance KIB_PER_MIN]';
function usage(message) {
  console.error(`soak: ${message}\n${USAGE}`);
  process.exit(64);
}
function parseArgs(argv) {
  const out = { seconds: 600, json: false, leak: 0, leakFds: 0, heapTolerance: undefined };
  const ranges = {
    '--seconds': ['seconds', 20, 86_400],
    '--leak': ['leak', 0, 1 << 20],
    '--leak-fds': ['leakFds', 0, 100],
    // KiB a minute the post-GC heap may grow (default 64): a 60 s run is still warming up.
    '--heap-tolerance': ['heapTolerance', 16, 65_536],
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--json') out.json = true;
    else if (ranges[flag]) {
      const [key, min, max] = ranges[flag];
      const text = inline ?? argv[++i];
      const value = Number(text);
      if (text === undefined || !/^\d+$/.test(text) || value < min || value > max)
        usage(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
      out[key] = value;
    } else usage(`unknown argument ${JSON.stringify(argv[i])}`);
  }
  return out;
}

const options = parseArgs(process.argv.slice(2));
const { seconds } = options;
const warmup = Math.max(10, Math.round(seconds / 4));
// Ring buffers full after 60 % of the warm-up at 10 points a second, and the memory plugin's
// time windows as long; never above the defaults (900 points, 10 minutes), never below 10 s.
const history = Math.min(900, Math.floor(warmup * 0.6 * 10));
const windowMs = Math.max(10_000, Math.min(600_000, Math.floor(warmup * 0.6) * 1000));
const MiB = 1024 * 1024;
const root = path.resolve(__dirname, '../..');

const rssBytes = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const openFds = (pid) => readdirSync(`/proc/${pid}/fd`).length;
/** The value of an unlabelled series, or of one with exactly these labels. */
function metric(text, name, labels = '') {
  const escaped = `${name}${labels ? `{${labels}}` : ''}`.replace(/[{}.+]/g, '\\$&');
  const m = new RegExp(`^${escaped}(?:\\{\\})? ([0-9.e+-]+|NaN)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Spawns a soak process with IPC; resolves with its first JSON line once it is up. */
function launch(script, args) {
  const child = spawn(process.execPath, ['--expose-gc', path.join(__dirname, script), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { PATH: process.env.PATH },
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const samples = [];
  const reports = [];
  child.on('message', (m) => (m.type === 'report' ? reports : samples).push(m));
  const info = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) =>
      reject(new Error(`${script} exited early (${code}); run npm run build first`)),
    );
  });
  const report = async () => {
    child.send('report');
    for (let i = 0; i < 100 && reports.length === 0; i++) await sleep(50);
    return reports[0];
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return { child, exited, info, samples, report, stop };
}

/** Keeps one /events client reading, as an open dashboard page does. */
function eventsClient(port) {
  const req = get({ host: '127.0.0.1', port, path: '/events' }, (res) => res.resume());
  req.on('error', () => undefined);
  return () => req.destroy();
}

async function main() {
  const control = launch('control.js', []);
  const host = launch('host.js', [
    '--history',
    String(history),
    '--window-ms',
    String(windowMs),
    '--leak',
    String(options.leak),
    '--leak-fds',
    String(options.leakFds),
  ]);
  const [info] = await Promise.all([host.info, control.info]);
  const closeEvents = eventsClient(info.port);
  let hostDied;
  host.exited.then((code) => (hostDied = code));

  const started = Date.now();
  const rows = []; // { t, rss, fds, heap?, ownFds?, ownRss? }
  let scrapeFailures = 0;
  let histogramAtMark;
  let histogramAtEnd;
  const delayHistogram = (text) => ({
    le50ms: metric(text, 'vitals_eventloop_delay_seconds_bucket', 'le="0.05"'),
    count: metric(text, 'vitals_eventloop_delay_seconds_count'),
  });
  while (Date.now() - started < seconds * 1000 && hostDied === undefined) {
    const t = (Date.now() - started) / 1000;
    let row;
    try {
      row = { t, rss: rssBytes(info.pid), fds: openFds(info.pid) };
    } catch {
      break; // the host is gone; reported below
    }
    try {
      const text = await (await fetch(`http://127.0.0.1:${info.port}/metrics`)).text();
      row.heap = metric(text, 'vitals_heap_after_gc_bytes');
      row.ownFds = metric(text, 'process_open_fds');
      row.ownRss = metric(text, 'process_resident_memory_bytes');
      if (t >= warmup && !histogramAtMark) {
        histogramAtMark = delayHistogram(text);
        host.child.send('mark');
        control.child.send('mark');
      }
      histogramAtEnd = delayHistogram(text);
    } catch {
      scrapeFailures++;
    }
    rows.push(row);
    await sleep(Math.max(0, started + rows.length * 1000 - Date.now()));
  }
  const [hostLoop, controlLoop] =
    hostDied === undefined ? await Promise.all([host.report(), control.report()]) : [];
  closeEvents();
  const diedEarly = hostDied;
  await Promise.all([host.stop(), control.stop()]);
  if (diedEarly !== undefined) {
    console.error(`soak: FAILED: the host died during the run (${diedEarly})`);
    process.exit(1);
  }

  const steady = rows.filter((r) => r.t >= warmup);
  // Each post-GC figure stays on /metrics until the next major GC: one point per distinct value.
  const heap = [];
  for (const r of steady) {
    if (r.heap !== undefined && r.heap !== heap[heap.length - 1]?.[1]) heap.push([r.t, r.heap]);
  }
  const verdict = judge({
    heap,
    fds: steady.map((r) => [r.t, r.fds]),
    loopP99Ms: hostLoop?.loopP99Ms,
    heapToleranceBytesPerMin:
      options.heapTolerance === undefined ? undefined : options.heapTolerance * 1024,
  });
  const failures = [...verdict.failures];
  if (!hostLoop) failures.push('the host did not report its event-loop delay');
  const perSecond = (p) =>
    p.samples
      .slice(Math.floor(warmup))
      .map((s) => s.loopP99Ms)
      .sort((a, b) => a - b);
  const hostSeconds = perSecond(host);
  const share50 =
    histogramAtMark && histogramAtEnd && histogramAtEnd.count > histogramAtMark.count
      ? (histogramAtEnd.le50ms - histogramAtMark.le50ms) /
        (histogramAtEnd.count - histogramAtMark.count)
      : NaN;
  const result = {
    seconds,
    warmupSeconds: warmup,
    historyCapacity: history,
    memoryWindowSeconds: windowMs / 1000,
    samples: rows.length,
    scrapeFailures,
    node: process.version,
    rssStartMiB: rows[0].rss / MiB,
    rssAtWarmupEndMiB: (steady[0] ?? rows[0]).rss / MiB,
    rssEndMiB: rows[rows.length - 1].rss / MiB,
    ownRssEndMiB: (rows[rows.length - 1].ownRss ?? NaN) / MiB,
    heapAfterGcFirstMiB: (heap[0]?.[1] ?? NaN) / MiB,
    heapAfterGcLastMiB: (heap[heap.length - 1]?.[1] ?? NaN) / MiB,
    heapAfterGcPoints: heap.length,
    heapAfterGc: options.json ? heap.map(([t, v]) => [Math.round(t), v]) : undefined,
    heapAfterGcSlopeKiBPerMin: verdict.heap.slopePerMin / 1024,
    heapAfterGcSlopeSeKiBPerMin: verdict.heap.sePerMin / 1024,
    heapAfterGcSlopeLowKiBPerMin: verdict.heap.lowPerMin / 1024,
    fdsStart: rows[0].fds,
    fdsFirstThirdMedian: verdict.fds.first,
    fdsLastThirdMedian: verdict.fds.last,
    fdsEnd: rows[rows.length - 1].fds,
    ownFdsEnd: rows[rows.length - 1].ownFds,
    eventLoopP99Ms: hostLoop?.loopP99Ms,
    eventLoopMaxMs: hostLoop?.loopMaxMs,
    eventLoopSamples: hostLoop?.loopSamples,
    eventLoopWorstSecondP99Ms: hostSeconds[hostSeconds.length - 1],
    eventLoopMedianSecondP99Ms: median(hostSeconds),
    vitalsDelayShareWithin50ms: share50,
    controlEventLoopP99Ms: controlLoop?.loopP99Ms,
    controlEventLoopMaxMs: controlLoop?.loopMaxMs,
    failures,
  };
  if (options.json) console.log(JSON.stringify(result));
  else {
    const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
    const r = result;
    console.log(
      `soak: ${seconds} s (warm-up ${warmup} s, history ${history} points, memory windows ${windowMs / 1000} s), ${rows.length} samples, ${scrapeFailures} failed scrapes, Node ${process.version}`,
    );
    console.log('| figure | value |\n| --- | --- |');
    console.log(
      `| RSS start → end of warm-up → end (/proc VmRSS) | ${f(r.rssStartMiB)} → ${f(r.rssAtWarmupEndMiB)} → ${f(r.rssEndMiB)} MiB |`,
    );
    console.log(
      `| post-GC heap first → last (vitals_heap_after_gc_bytes, ${r.heapAfterGcPoints} points) | ${f(r.heapAfterGcFirstMiB, 2)} → ${f(r.heapAfterGcLastMiB, 2)} MiB |`,
    );
    console.log(
      `| post-GC heap slope (Theil–Sen) ± error; low end at 3 sigma (fails above 64) | ${f(r.heapAfterGcSlopeKiBPerMin)} ± ${f(r.heapAfterGcSlopeSeKiBPerMin)}; ${f(r.heapAfterGcSlopeLowKiBPerMin)} KiB/min |`,
    );
    console.log(
      `| open fds start / first-third median / last-third median / end (/proc/<pid>/fd; own figure at end) | ${r.fdsStart} / ${r.fdsFirstThirdMedian} / ${r.fdsLastThirdMedian} / ${r.fdsEnd} (${r.ownFdsEnd}) |`,
    );
    console.log(
      `| event-loop p99 / max over the window (${r.eventLoopSamples} samples, 10 ms resolution) | ${f(r.eventLoopP99Ms)} / ${f(r.eventLoopMaxMs)} ms |`,
    );
    console.log(
      `| event-loop p99 per second: median / worst | ${f(r.eventLoopMedianSecondP99Ms)} / ${f(r.eventLoopWorstSecondP99Ms)} ms |`,
    );
    console.log(
      `| Vitals' own histogram: delay samples ≤ 50 ms | ${f(r.vitalsDelayShareWithin50ms * 100, 2)} % |`,
    );
    console.log(
      `| control (bare Node beside it): event-loop p99 / max | ${f(r.controlEventLoopP99Ms)} / ${f(r.controlEventLoopMaxMs)} ms |`,
    );
    console.log(failures.length ? `soak: FAILED: ${failures.join('; ')}` : 'soak: passed');
  }
  process.exit(failures.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`soak: ${error.message}`);
  process.exit(1);
});
