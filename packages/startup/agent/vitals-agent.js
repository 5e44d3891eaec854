'use strict';
/*
 * The Vitals in-process agent. `vitals run` (the Supervisor of @vitals/startup) loads it into a Node
 * child with `--require` in NODE_OPTIONS. It samples the child's heap, GC and event-loop figures and
 * sends them to the supervisor over the IPC channel; the supervisor publishes them on its metric
 * stream. Plain CommonJS with no dependencies, so it loads into any Node ≥ 18 program unchanged.
 *
 * Rules it keeps (see README "The agent"):
 * - It never keeps the child alive: the channel and its timer are unref()ed, it adds no 'message'
 *   listener (Node refs the channel while one exists).
 * - It never breaks a child that uses process.send itself: its messages carry a `vitals` key the
 *   supervisor filters on, and every send has a callback, so a closed channel is never an 'error'.
 * - It loads once: it removes itself from NODE_OPTIONS and its variables from the environment, so
 *   the child's own children (workers, `npm` scripts) do not report as the service.
 */
(function vitalsAgent() {
  const env = process.env;
  const token = env.VITALS_AGENT_TOKEN;
  const intervalMs = Math.max(100, Number(env.VITALS_AGENT_INTERVAL_MS) || 1000);
  const agentFile = require('node:path').basename(__filename);

  delete env.VITALS_AGENT_TOKEN;
  delete env.VITALS_AGENT_INTERVAL_MS;
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

  const v8 = require('node:v8');
  const {
    monitorEventLoopDelay,
    performance,
    PerformanceObserver,
    constants,
  } = require('node:perf_hooks');

  const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];
  const GC_KINDS = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  const gc = {};
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
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  } catch {
    // GC entries are unavailable (very old Node): the other metrics still flow.
  }

  // 50 ms, as @vitals/monitor's default: an idle child wakes 20 times a second for the histogram
  // (measured: 0.53 % of a core at 20 ms vs PM2's 0.15 %); a stall of B ms still reads as B - 50
  // to B ms, so the 200 ms event-loop alert is unaffected.
  const RESOLUTION_MS = 50;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let lastElu = performance.eventLoopUtilization();

  const lagSeconds = (ns) => Math.max(0, ns / 1e9 - RESOLUTION_MS / 1000);

  function sample() {
    const mem = process.memoryUsage();
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

  let inFlight = false;
  function send(message) {
    if (inFlight || !process.connected) return;
    inFlight = true;
    try {
      process.send(message, undefined, { swallowErrors: true }, () => {
        inFlight = false;
      });
    } catch {
      inFlight = false;
    }
  }

  send({ vitals: token, type: 'hello', pid: process.pid, node: process.version });
  const timer = setInterval(() => {
    if (!process.connected) {
      clearInterval(timer);
      return;
    }
    send({ vitals: token, type: 'metrics', pid: process.pid, samples: sample() });
  }, intervalMs);
  timer.unref();
})();
