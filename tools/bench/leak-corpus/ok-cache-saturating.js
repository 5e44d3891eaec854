'use strict';
// Healthy: a cache whose misses fall off exponentially (cap 48 MB, time constant 60 s): it still
// grows at 2–3 minutes, ever more slowly.
const { blob, churn, every, DURATION_S } = require('./_churn');
churn();
const CAP = 768; // × 64 KB = 48 MB
const TAU_S = 60;
const cache = [];
const started = Date.now();
every(250, () => {
  const t = (Date.now() - started) / 1000;
  const target = Math.min(CAP, Math.round(CAP * (1 - Math.exp(-t / TAU_S))));
  while (cache.length < target) cache.push(blob(65536));
});
void DURATION_S;
