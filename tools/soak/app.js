// The supervised child of the soak: a small service that allocates and frees a little memory
// every 100 ms, like a worker handling requests, and holds nothing.
'use strict';
let kept = [];
setInterval(() => {
  kept.push(Buffer.alloc(16 * 1024));
  if (kept.length > 64) kept = [];
}, 100);
process.on('SIGTERM', () => process.exit(0));
