'use strict';
// Runs a full GC every 200 ms (needs --expose-gc) while retaining a little more each time, so the
// agent sees major GCs and a growing post-GC heap.
const kept = [];
setInterval(() => {
  kept.push(Array.from({ length: 2000 }, (_, i) => ({ i, s: `item ${i}` })));
  global.gc();
}, 200);
process.stdout.write('ready\n');
