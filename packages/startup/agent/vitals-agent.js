'use strict';
/*
 * The Vitals in-process agent. `vitals run` (the Supervisor of @vitals/startup) loads it into a Node
 * child with `--require` in NODE_OPTIONS. It samples the child's heap, GC and event-loop figures and
 * sends them to the supervisor over the IPC channel; the supervisor publishes them on its metric
 * stream. Plain CommonJS with no dependencies, so it loads into any Node ≥ 18 program unchanged.
 *
 * Rules it keeps (see README "The agent"):
 * - It never keeps the child alive: the channel is unref()ed explicitly (so the listeners it adds
 *   for requests and disconnect do not ref it again) and its timer is unref()ed.
 * - It never breaks a child that uses process.send itself: its messages carry a `vitals` key the
 *   supervisor filters on, every send has a callback (a closed channel is never an 'error'), and the
 *   supervisor's requests come as `NODE_`-prefixed internal messages, which Node never emits as the
 *   child's 'message' events.
 * - It loads once: it removes itself from NODE_OPTIONS and its variables from the environment, so
 *   the child's own children (workers, `npm` scripts) do not report as the service.
 *
 * Environment (set by the supervisor, removed at load):
 *   VITALS_AGENT_TOKEN            random token every message carries
 *   VITALS_AGENT_INTERVAL_MS      report interval (≥ 100)                       default 1000
 *   VITALS_AGENT_MEASURE_AFTER_MS measurement GC after this long without a major GC; 0 = off
 *                                                                               default 10000
 *   VITALS_AGENT_MEASURE_PAUSE_RATIO  pause budget: share of wall time forced GCs may pause
 *                                                                               default 0.01
 *   VITALS_AGENT_MEASURE_MAX_HEAP no measurement GC above this old-generation size, bytes
 *                                                                               default 256 MiB
 *   VITALS_AGENT_EXIT_ON_DISCONNECT  '1': SIGTERM itself when the supervisor vanishes (opt-in)
 */
(function vitalsAgent() {
  const env = process.env;
  const token = env.VITALS_AGENT_TOKEN;
  const intervalMs = Math.max(100, Number(env.VITALS_AGENT_INTERVAL_MS) || 1000);
  const measureRaw = Number(env.VITALS_AGENT_MEASURE_AFTER_MS);
  let measureAfterMs =
    env.VITALS_AGENT_MEASURE_AFTER_MS !== undefined &&
    Number.isFinite(measureRaw) &&
    measureRaw >= 0
      ? measureRaw
      : 10000;
  const ratioRaw = Number(env.VITALS_AGENT_MEASURE_PAUSE_RATIO);
  const pauseRatio = ratioRaw > 0 && ratioRaw <= 1 ? ratioRaw : 0.01;
  const capRaw = Number(env.VITALS_AGENT_MEASURE_MAX_HEAP);
  const measureMaxHeap = Number.isFinite(capRaw) && capRaw > 0 ? capRaw : 256 * 1024 * 1024;
  const exitOnDisconnect = env.VITALS_AGENT_EXIT_ON_DISCONNECT === '1';
  const agentFile = require('node:path').basename(__filename);

  for (const key of Object.keys(env)) if (key.startsWith('VITALS_AGENT_')) delete env[key];
  if (typeof env.NODE_OPTIONS === 'string') {
    const rest = env.NODE_OPTIONS.split(/\s+(?=--)/)
      .filter((flag) => !flag.includes(agentFile))
      .join(' ')
      .trim();
    if (rest) env.NODE_OPTIONS = rest;
    else delete env.NODE_OPTIONS;
  }
  if (!token || typeof process.send !== 'function' || !process.channel) return;
  process.channel.unref();

  const fs = require('node:fs');
  const v8 = require('node:v8');
  const {
    monitorEventLoopDelay,
    performance,
    PerformanceObserver,
    constants,
  } = require('node:perf_hooks');

  // ---- sending: one message in flight, a short queue behind it (GC points must not be lost) ----
  const MAX_QUEUE = 64;
  const queue = [];
  let inFlight = false;
  function flush() {
    if (inFlight || queue.length === 0 || !process.connected) return;
    inFlight = true;
    const message = queue.shift();
    try {
      process.send(message, undefined, { swallowErrors: true }, () => {
        inFlight = false;
        flush();
      });
    } catch {
      inFlight = false;
    }
  }
  function send(message) {
    if (!process.connected) return;
    if (queue.length >= MAX_QUEUE) queue.shift();
    queue.push(message);
    flush();
  }

  // ---- GC: pause histogram per kind, and the heap right after each major GC ----
  const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];
  const GC_KINDS = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  const gc = {};
  let lastMajorAt = Date.now();
  // No baseline before the first major GC: 2 s of quiet alone qualify (as in-process).
  let baselineHeap;
  let lastPauseMs = 0;
  // performance.now() window of our own measurement GC: its 'gc' entry is not reported twice.
  let measuring = { from: -1, to: -1 };
  let measuredCount = 0;
  let measuredSeconds = 0;

  function postGc(at, measured, pauseSeconds) {
    const mem = process.memoryUsage();
    lastMajorAt = Date.now();
    // The growth test's unit (old generation), as @vitals/memory's MeasurementGc.noteMajor.
    baselineHeap = oldGenerationUsed();
    send({
      vitals: token,
      type: 'gc',
      pid: process.pid,
      at,
      heapUsed: mem.heapUsed,
      // `external` already includes array buffers (Node's process.memoryUsage docs).
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
      heapLimit: v8.getHeapStatistics().heap_size_limit,
      measured,
      pauseSeconds,
    });
  }

  try {
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = GC_KINDS[entry.detail ? entry.detail.kind : entry.kind] || 'other';
        const seconds = entry.duration / 1000;
        const h = gc[kind] || (gc[kind] = { buckets: GC_BUCKETS.map(() => 0), sum: 0, count: 0 });
        h.sum += seconds;
        h.count += 1;
        GC_BUCKETS.forEach((le, i) => {
          if (seconds <= le) h.buckets[i] += 1;
        });
        const ours = entry.startTime >= measuring.from && entry.startTime <= measuring.to;
        if (kind === 'major' && !ours)
          postGc(performance.timeOrigin + entry.startTime + entry.duration, false, seconds);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  } catch {
    // GC entries are unavailable (very old Node): the other metrics still flow.
  }

  // ---- measurement GC: a baseline when major GCs are rare (issue 10 item 2) ----
  // The policy of @vitals/memory's MeasurementGc, same defaults, same 1 s check: after
  // measureAfterMs without a major GC, and after the last forced pause / pauseRatio (the pause
  // budget), when the old generation grew ≥ 256 KiB and ≥ 2 % since the last baseline and is ≤
  // the cap.
  let gcFn;
  function fullGc() {
    if (!gcFn) {
      if (typeof global.gc === 'function') gcFn = global.gc;
      else {
        v8.setFlagsFromString('--expose-gc');
        gcFn = require('node:vm').runInNewContext('gc');
      }
    }
    gcFn();
  }
  // Heap used outside the young generation: young garbage never makes a quiet service look grown.
  function oldGenerationUsed() {
    let used = 0;
    for (const space of v8.getHeapSpaceStatistics())
      if (!space.space_name.startsWith('new_')) used += space.space_used_size;
    return used;
  }
  function maybeMeasure() {
    const quiet = Date.now() - lastMajorAt;
    // Before the first baseline, 2 s suffice (MeasurementGc's firstAfterMs): the detector's span
    // starts at its first point.
    const after = baselineHeap === undefined ? Math.min(2000, measureAfterMs) : measureAfterMs;
    if (measureAfterMs <= 0 || quiet < after || quiet < lastPauseMs / pauseRatio) return;
    const heapUsed = oldGenerationUsed();
    if (heapUsed > measureMaxHeap) return;
    if (baselineHeap !== undefined) {
      const grown = heapUsed - baselineHeap;
      if (grown < 256 * 1024 || grown < baselineHeap * 0.02) return;
    }
    const from = performance.now();
    try {
      fullGc();
    } catch {
      measureAfterMs = 0; // --expose-gc refused: never try again.
      return;
    }
    const to = performance.now();
    measuring = { from: from - 1, to };
    measuredCount += 1;
    measuredSeconds += (to - from) / 1000;
    lastPauseMs = to - from;
    postGc(performance.timeOrigin + to, true, (to - from) / 1000);
  }

  // ---- the periodic report ----
  // 50 ms, as @vitals/monitor's default: an idle child wakes 20 times a second for the histogram
  // (measured: 0.53 % of a core at 20 ms vs PM2's 0.15 %); a stall of B ms still reads as B - 50
  // to B ms, so the 200 ms event-loop alert is unaffected.
  const RESOLUTION_MS = 50;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let lastElu = performance.eventLoopUtilization();

  const lagSeconds = (ns) => Math.max(0, ns / 1e9 - RESOLUTION_MS / 1000);

  function sample(mem) {
    const heap = v8.getHeapStatistics();
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    const samples = [
      { name: 'nodejs_heap_size_used_bytes', value: mem.heapUsed },
      { name: 'nodejs_heap_size_total_bytes', value: mem.heapTotal },
      { name: 'nodejs_external_memory_bytes', value: mem.external },
      { name: 'vitals_nodejs_array_buffers_bytes', value: mem.arrayBuffers },
      { name: 'vitals_nodejs_heap_size_limit_bytes', value: heap.heap_size_limit },
      { name: 'vitals_eventloop_utilization_ratio', value: elu.utilization },
      { name: 'vitals_measurement_gc_total', value: measuredCount },
      { name: 'vitals_measurement_gc_seconds_total', value: measuredSeconds },
    ];
    if (delay.count > 0) {
      samples.push(
        { name: 'nodejs_eventloop_lag_p50_seconds', value: lagSeconds(delay.percentile(50)) },
        { name: 'nodejs_eventloop_lag_p99_seconds', value: lagSeconds(delay.percentile(99)) },
        { name: 'nodejs_eventloop_lag_max_seconds', value: lagSeconds(delay.max) },
      );
    }
    delay.reset();
    for (const kind of Object.keys(gc)) {
      const h = gc[kind];
      GC_BUCKETS.forEach((le, i) => {
        samples.push({
          name: 'nodejs_gc_duration_seconds_bucket',
          value: h.buckets[i],
          labels: { kind, le: String(le) },
        });
      });
      samples.push(
        { name: 'nodejs_gc_duration_seconds_bucket', value: h.count, labels: { kind, le: '+Inf' } },
        { name: 'nodejs_gc_duration_seconds_sum', value: h.sum, labels: { kind } },
        { name: 'nodejs_gc_duration_seconds_count', value: h.count, labels: { kind } },
      );
    }
    return samples;
  }

  // ---- requests from the supervisor: heap snapshots ----
  function reply(id, fields) {
    send(Object.assign({ vitals: token, type: 'snapshot', pid: process.pid, id }, fields));
  }
  function formatBytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return `${Number(n.toFixed(1))} ${units[i]}`;
  }
  function snapshot(request) {
    const id = request.id;
    const heapUsed = process.memoryUsage().heapUsed;
    if (typeof request.maxHeapBytes === 'number' && heapUsed > request.maxHeapBytes)
      return reply(id, {
        ok: false,
        code: 'ERR_SNAPSHOT_REFUSED',
        message: `heap ${formatBytes(heapUsed)} above the snapshot cap ${formatBytes(request.maxHeapBytes)}`,
      });
    const path = String(request.path);
    try {
      if (typeof fs.statfsSync === 'function') {
        const s = fs.statfsSync(require('node:path').dirname(path));
        const free = s.bavail * s.bsize;
        if (free < 2 * heapUsed)
          return reply(id, {
            ok: false,
            code: 'ERR_SNAPSHOT_REFUSED',
            message: `free disk ${formatBytes(free)} below twice the heap (${formatBytes(2 * heapUsed)})`,
          });
      }
    } catch (error) {
      return reply(id, { ok: false, code: 'ERR_SNAPSHOT_FAILED', message: String(error.message) });
    }
    let fd;
    try {
      // A fresh name the supervisor chose, created here and never followed: a planted file or link
      // at that name is refused (EEXIST/ELOOP), and the snapshot is written through this fd only.
      const c = fs.constants;
      fd = fs.openSync(path, c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, 0o600);
    } catch (error) {
      return reply(id, { ok: false, code: 'ERR_SNAPSHOT_REFUSED', message: String(error.message) });
    }
    let bytes = 0;
    let stream;
    const done = (error) => {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
      if (error)
        reply(id, { ok: false, code: 'ERR_SNAPSHOT_FAILED', message: String(error.message) });
      else reply(id, { ok: true, path, bytes });
    };
    try {
      stream = v8.getHeapSnapshot();
    } catch (error) {
      return done(error);
    }
    stream.on('data', (chunk) => {
      try {
        fs.writeSync(fd, chunk);
        bytes += chunk.length;
      } catch (error) {
        stream.destroy(error);
      }
    });
    stream.once('error', done);
    stream.once('end', () => done());
  }

  process.on('internalMessage', (message) => {
    if (!message || message.cmd !== 'NODE_VITALS_REQUEST' || message.vitals !== token) return;
    if (message.type === 'snapshot') snapshot(message);
  });
  if (exitOnDisconnect) {
    // The supervisor vanished (killed, crashed): end as a stop would, so the service's own SIGTERM
    // handlers run. Opt-in: a service may prefer to outlive its supervisor.
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }

  send({ vitals: token, type: 'hello', pid: process.pid, node: process.version });
  const timer = setInterval(() => {
    if (!process.connected) {
      clearInterval(timer);
      return;
    }
    const mem = process.memoryUsage();
    maybeMeasure();
    send({ vitals: token, type: 'metrics', pid: process.pid, samples: sample(mem) });
  }, intervalMs);
  timer.unref();
})();
