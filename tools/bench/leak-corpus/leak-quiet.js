'use strict';
// Heap leak, 5 MB/min, in a service whose garbage all dies young: almost no major GC happens
// (issue 10: 2 major GCs in 200 s, and the leak went unseen). Only a measurement GC finds it.
const { blob, DURATION_S } = require('./_churn');
const kept = [];
setInterval(() => kept.push(blob((5 * 1024 * 1024) / 60)), 1000);
setInterval(() => {
  // Young churn only: nothing here outlives a scavenge.
  for (let i = 0; i < 200; i++) JSON.stringify({ i, t: Date.now(), items: [1, 2, 3] });
}, 10);
void DURATION_S;
