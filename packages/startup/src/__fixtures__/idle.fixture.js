'use strict';
// An idle service: keeps running and allocates a little now and then, so the agent has GC to see.
let keep = [];
setInterval(() => {
  keep = Array.from({ length: 2000 }, (_, i) => ({ i }));
}, 200);
process.stdout.write(`ready ${keep.length}\n`);
