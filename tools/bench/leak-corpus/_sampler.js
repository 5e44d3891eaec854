'use strict';
// Preloaded (`--require`) into each workload by bench:leaks: reports every major GC with the heap
// and external memory right after it, over IPC. The detector runs in the bench, not here.
const v8 = require('node:v8');
const { PerformanceObserver, constants } = require('node:perf_hooks');
if (typeof process.send === 'function') {
  process.channel?.unref();
  const send = (m) => {
    process.send(m, () => {
      /* parent gone: nothing to report to */
    });
  };
  send({ type: 'start', t: Date.now(), heapLimit: v8.getHeapStatistics().heap_size_limit });
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const mu = process.memoryUsage();
      send({
        type: 'gc',
        t: Date.now(),
        heap: v8.getHeapStatistics().used_heap_size,
        external: mu.external,
      });
    }
  });
  obs.observe({ entryTypes: ['gc'] });
}
