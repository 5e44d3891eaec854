'use strict';
// Preloaded (`--require`) into each workload for bench:leaks' in-process path: a Vitals host with
// the memory plugin runs inside the workload, exactly as an application would embed it. The
// bench transpiles @vitals/core and @vitals/memory from the tree into VITALS_BENCH_LIB (a
// node_modules folder), so this path runs the same code as the real path, never a stale dist. Its post-GC baselines
// go through the stream to its own detectors (and measurement GC); verdicts and baselines are
// reported to the bench over IPC.
const { join } = require('node:path');
const lib = process.env.VITALS_BENCH_LIB;
delete process.env.VITALS_BENCH_LIB;
if (lib && typeof process.send === 'function') {
  const { createHost } = require(join(lib, '@vitals', 'core'));
  const { memoryPlugin, MEMORY_SERVICE } = require(join(lib, '@vitals', 'memory'));
  process.channel?.unref();
  const send = (m) => process.send(m, () => undefined);
  const host = createHost({ env: { NODE_ENV: 'production' }, plugins: [memoryPlugin()] });
  host.stream.batches$.subscribe((b) => {
    const heap = b.samples.find((s) => s.name === 'vitals_heap_after_gc_bytes' && !s.labels);
    const ext = b.samples.find((s) => s.name === 'vitals_external_after_gc_bytes' && !s.labels);
    if (heap) send({ type: 'gc', t: b.at, heap: heap.value, external: ext ? ext.value : 0 });
  });
  host.start().then(
    () => {
      send({ type: 'start', t: Date.now() });
      host.container.resolve(MEMORY_SERVICE).leaks$.subscribe((e) => {
        if (e.service === undefined && e.state === 'detected')
          send({ type: 'leak', t: e.at, kind: e.kind, rate: e.assessment.rateBytesPerSecond });
      });
    },
    (error) => process.stderr.write(`in-process host failed: ${error.message}\n`),
  );
}
