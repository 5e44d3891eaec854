'use strict';
// Healthy: a cache that fills linearly to its 40 MB cap over 120 s, then stays full (issue 10: this
// shape was reported as a leak from 126 s to 171 s).
const { blob, churn, every } = require('./_churn');
churn();
const CAP = 640; // × 64 KB = 40 MB
const cache = new Map();
let key = 0;
every(120_000 / CAP, () => {
  if (cache.size < CAP) cache.set(key++, blob(65536));
});
