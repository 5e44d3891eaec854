'use strict';
/*
 * The Vitals in-process agent. `vitals run` (the Supervisor of @vitals/startup) loads it into a Node
 * child with `--require` in NODE_OPTIONS. It samples the child's heap, GC and event-loop figures and
 * sends them to the supervisor over the IPC channel; the supervisor publishes them on its metric
 * stream. Plain CommonJS with no dependencies, so it loads into any Node ≥ 18 program unchanged.
 *
 * What it costs the child is mostly wake-ups (~80 µs of CPU each on a small VM), so:
 * - the event-loop delay sampler (50 ms) runs only while the loop works: it stops after 10 reports
 *   in a row with < 10 ms of loop activity each, and such a window then stands for on-time samples;
 *   a window with ≥ 10 ms of activity starts it again and stands for one sample of that activity
 *   (an upper bound of its longest callback). See the event-loop section below and the README.
 * - a report is values only, in the order of a numbered shape sent when it changes.
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
  // When the queue is full, the oldest periodic report that does not name its values goes first:
  // the next report carries the same cumulative counters, where a GC point or a snapshot reply
  // would be lost for good. A report that names its values (`series`) is never the one dropped,
  // and one that could not be sent makes the next report name them again: the supervisor reads
  // values by that shape.
  const MAX_QUEUE = 64;
  const queue = [];
  let shapeKey = '';
  let shapeId = 0;
  let inFlight = false;
  function lost(message) {
    if (message.series) shapeKey = '';
  }
  function flush() {
    if (inFlight || queue.length === 0 || !process.connected) return;
    inFlight = true;
    const message = queue.shift();
    try {
      process.send(message, undefined, { swallowErrors: true }, (error) => {
        if (error) lost(message);
        inFlight = false;
        flush();
      });
    } catch {
      lost(message);
      inFlight = false;
    }
  }
  function send(message) {
    if (!process.connected) return lost(message);
    if (queue.length >= MAX_QUEUE) {
      let i = queue.findIndex((m) => m.type === 'metrics' && !m.series);
      if (i < 0) i = queue.findIndex((m) => !m.series);
      lost(queue.splice(i < 0 ? 0 : i, 1)[0]);
    }
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

  // ---- event-loop delay, sampled only while the loop does something ----
  // Every sample of monitorEventLoopDelay is one wake-up of the child (20 a second at 50 ms, the
  // resolution of @vitals/monitor; on this kind of VM a wake-up costs ~80 µs of CPU). The sampler
  // runs while the loop works and stops after QUIET_WINDOWS quiet windows in a row (a window is
  // one report interval; quiet: less than QUIET_ACTIVE_MS of the loop's active time in it, per
  // second of a window longer than 1 s, from performance.eventLoopUtilization). While it is off, no callback of the window can have run
  // longer than the window's active time A, so the window stands for n = round(window /
  // resolution) on-time samples (lag 0); a window with A at or above the threshold turns the sampler on
  // again and stands for n − 1 on-time samples and one of lag A: an upper bound of its longest
  // callback, so a stall at least the threshold long is never missed (a burst of short callbacks in that one window reads as
  // a single delay of their sum). @vitals/monitor's in-process collector keeps the same rules.
  const RESOLUTION_MS = 50;
  const RESOLUTION_NS = RESOLUTION_MS * 1e6;
  const QUIET_ACTIVE_MS = 10;
  const QUIET_WINDOWS = 10;
  // vitals_eventloop_delay_seconds buckets (as @vitals/monitor's EVENT_LOOP_DELAY_BUCKETS), s.
  const DELAY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const delayCounts = DELAY_BUCKETS.map(() => 0);
  let delayCount = 0;
  let delaySum = 0;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let samplerOn = true;
  let quietWindows = 0;
  /** The ordinary busy turn (p90 sample less the resolution) of the last window that had a sample,
   * and of the one before it, ns; -1 while there was none. */
  let lastBusyNs = -1;
  let prevBusyNs = -1;
  let lastElu = performance.eventLoopUtilization();

  /**
   * The quiet threshold of a window, ms: QUIET_ACTIVE_MS per second of a window longer than 1 s
   * (the sampler's own wake-ups are loop work too: 14 ms in an idle 5 s window kept it on).
   */
  function quietMsFor(windowMs) {
    return QUIET_ACTIVE_MS * Math.max(1, windowMs / 1000);
  }

  /** The window's delay samples as lags in seconds, ascending; from the histogram or made up. */
  function windowLags(activeMs, windowMs) {
    if (samplerOn) {
      const n = delay.count;
      const lags = new Array(n);
      let covered = 0;
      // The k-th smallest sample: HDR reads rank trunc(p/100 × n + 0.5), so k − 0.25 is exact.
      for (let k = 1; k <= n; k++) {
        const raw = delay.percentile(((k - 0.25) / n) * 100);
        covered += raw;
        lags[k - 1] = Math.max(0, raw - RESOLUTION_NS) / 1e9;
      }
      const p90 = n > 0 ? delay.percentile(90) : 0;
      delay.reset();
      // A stall no sample saw: reset() makes the next fire record nothing, and a report due in the
      // same turn as a fire may run first. Each sample is the time since the fire before it, so
      // the window less their sum is the time no sample covered; up to two resolutions of that (one
      // on average) are the window's two ends, and more than three (plus 0.2 % for HDR's rounding)
      // count as one sample, late by the uncovered time less one resolution (within one
      // resolution of Node's own figure; as @vitals/monitor's RuntimeCollector does).
      // Each end may also be one ordinary busy turn longer (p90 sample less the resolution): back-
      // to-back 180 ms callbacks at a 100 ms resolution left 360 ms uncovered and no stall.
      // A window with no sample (two such turns, the sampler firing before the report at one end
      // and after it at the other) has no turn of its own to go by: the smaller of the last two
      // windows' is used. A window of up to five samples has its longest as its p90, so a stall
      // sampled in one window would otherwise pass for the next one's ordinary turn and hide a
      // stall there that the sampler did not record (as @vitals/monitor's RuntimeCollector).
      if (n > 0) {
        prevBusyNs = lastBusyNs;
        lastBusyNs = Math.max(0, p90 - RESOLUTION_NS);
      }
      // Before any window had a sample there is no turn to go by: nothing is inferred.
      const busyNs = n > 0 || prevBusyNs < 0 ? lastBusyNs : Math.min(lastBusyNs, prevBusyNs);
      const uncovered = windowMs * 1e6 - covered;
      if (lastBusyNs >= 0 && uncovered > 3 * RESOLUTION_NS + 2 * busyNs + windowMs * 2e3) {
        const late = (uncovered - RESOLUTION_NS) / 1e9;
        let at = lags.length;
        while (at > 0 && lags[at - 1] > late) at--;
        lags.splice(at, 0, late);
      }
      quietWindows = activeMs < quietMsFor(windowMs) ? quietWindows + 1 : 0;
      if (quietWindows >= QUIET_WINDOWS) {
        delay.disable();
        samplerOn = false;
      }
      return lags;
    }
    const n = Math.max(1, Math.round(windowMs / RESOLUTION_MS));
    const lags = new Array(n).fill(0);
    if (activeMs >= quietMsFor(windowMs)) {
      lags[n - 1] = activeMs / 1000;
      delay.reset();
      delay.enable();
      samplerOn = true;
      quietWindows = 0;
    }
    return lags;
  }

  /** The window's per-window gauges and the cumulative histogram, in `out` as [name, value]. */
  function eventLoop(out, activeMs, windowMs) {
    const lags = windowLags(activeMs, windowMs);
    const n = lags.length;
    let total = 0;
    for (const v of lags) total += v;
    // HdrHistogram's percentile rank (the value at rank trunc(p/100 × n + 0.5)).
    const at = (p) => lags[Math.min(n, Math.max(1, Math.trunc((p / 100) * n + 0.5))) - 1];
    // No sample in the window (its timer not due yet, or due in the same turn as the report: the
    // sample then lands in the next window): no per-window figures, the histogram as it was.
    if (n > 0)
      out.push(
        ['nodejs_eventloop_lag_min_seconds', lags[0]],
        ['nodejs_eventloop_lag_max_seconds', lags[n - 1]],
        ['nodejs_eventloop_lag_mean_seconds', total / n],
        ['nodejs_eventloop_lag_p50_seconds', at(50)],
        ['nodejs_eventloop_lag_p90_seconds', at(90)],
        ['nodejs_eventloop_lag_p99_seconds', at(99)],
      );
    let k = 0;
    for (let i = 0; i < DELAY_BUCKETS.length; i++) {
      while (k < n && lags[k] <= DELAY_BUCKETS[i]) k++;
      delayCounts[i] += k;
    }
    delayCount += n;
    delaySum += total;
    DELAY_BUCKETS.forEach((le, i) =>
      out.push(['vitals_eventloop_delay_seconds_bucket', delayCounts[i], { le: String(le) }]),
    );
    out.push(
      ['vitals_eventloop_delay_seconds_bucket', delayCount, { le: '+Inf' }],
      ['vitals_eventloop_delay_seconds_sum', delaySum],
      ['vitals_eventloop_delay_seconds_count', delayCount],
      // 1 while the sampler runs into the next window, 0 while it is off (lags read exactly 0).
      ['vitals_eventloop_delay_sampling', samplerOn ? 1 : 0],
    );
  }

  // ---- the periodic report: values only; their names and labels (the shape) when they change ----
  function report(elu) {
    const mem = process.memoryUsage();
    const heap = v8.getHeapStatistics();
    const out = [
      ['nodejs_heap_size_used_bytes', mem.heapUsed],
      ['nodejs_heap_size_total_bytes', mem.heapTotal],
      ['nodejs_external_memory_bytes', mem.external],
      ['vitals_nodejs_array_buffers_bytes', mem.arrayBuffers],
      ['vitals_nodejs_heap_size_limit_bytes', heap.heap_size_limit],
      ['vitals_eventloop_utilization_ratio', elu.utilization],
      ['vitals_measurement_gc_total', measuredCount],
      ['vitals_measurement_gc_seconds_total', measuredSeconds],
    ];
    eventLoop(out, elu.active, elu.active + elu.idle);
    for (const kind of Object.keys(gc)) {
      const h = gc[kind];
      GC_BUCKETS.forEach((le, i) =>
        out.push(['nodejs_gc_duration_seconds_bucket', h.buckets[i], { kind, le: String(le) }]),
      );
      out.push(
        ['nodejs_gc_duration_seconds_bucket', h.count, { kind, le: '+Inf' }],
        ['nodejs_gc_duration_seconds_sum', h.sum, { kind }],
        ['nodejs_gc_duration_seconds_count', h.count, { kind }],
      );
    }
    const values = new Array(out.length);
    for (let i = 0; i < out.length; i++) values[i] = out[i][1];
    const message = { vitals: token, type: 'metrics', shape: 0, values };
    // What can change the shape: the per-window event-loop figures (present or not) and the GC
    // kinds seen.
    const key = `${out.length}|${Object.keys(gc).join()}`;
    if (key !== shapeKey) {
      shapeKey = key;
      shapeId += 1;
      message.series = out.map((s) => (s[2] ? [s[0], s[2]] : [s[0]]));
    }
    message.shape = shapeId;
    return message;
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
    // The window ends now: its utilisation is read before the measurement GC, whose pause (the
    // loop is blocked meanwhile) belongs to the next window.
    const now = performance.eventLoopUtilization();
    const elu = performance.eventLoopUtilization(now, lastElu);
    lastElu = now;
    maybeMeasure();
    send(report(elu));
  }, intervalMs);
  timer.unref();
})();
