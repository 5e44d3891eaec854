'use strict';
// Heap leak, 1 MB/min, in a service whose garbage all dies young: the slowest leak of the budget
// with (almost) no major GC of its own, so every point is a measurement GC's.
const { blob, DURATION_S } = require('./_churn');
const kept = [];
setInterval(() => kept.push(blob((1 * 1024 * 1024) / 60)), 1000);
setInterval(() => {
  for (let i = 0; i < 200; i++) JSON.stringify({ i, t: Date.now(), items: [1, 2, 3] });
}, 10);
void DURATION_S;
