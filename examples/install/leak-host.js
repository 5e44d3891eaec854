// A ten-line custom host from @vitals/core + @vitals/memory only, catching a deliberate leak.
// periodicGcMs gives the detector a post-GC baseline every second, so this run is short.
require('reflect-metadata');
const { createHost } = require('@vitals/core');
const { memoryPlugin, MEMORY_SERVICE } = require('@vitals/memory');
const leak = { windowMs: '1m', minSpanMs: '5s', minGrowthBytes: '4M' };
const host = createHost({ plugins: [memoryPlugin({ leak, periodicGcMs: '1s' })] });
const kept = []; // the deliberate leak: 40 KB every 20 ms, never released
const found = (e) => e.state === 'detected' && (console.log(`LEAK ${e.message}`), process.exit(0));
host.resolve(MEMORY_SERVICE).leaks$.subscribe(found);
host.start().then(() => setInterval(() => kept.push(new Array(5_000).fill(Math.random())), 20));
