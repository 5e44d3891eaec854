'use strict';
// Retains about 1 MiB of small objects a second and never calls gc(): at this size V8 runs only
// minor GCs, so a post-GC baseline comes only from the agent's measurement GC.
const kept = [];
setInterval(() => {
  kept.push(Array.from({ length: 1000 }, (_, i) => ({ i, s: `item ${i}` })));
}, 50);
process.stdout.write('ready\n');
