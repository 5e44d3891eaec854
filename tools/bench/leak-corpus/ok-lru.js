'use strict';
// Healthy: a bounded LRU (40 MB cap) that fills in about a minute, then evicts as it goes.
const { blob, churn, every } = require('./_churn');
churn();
const CAP = 640;
const lru = new Map();
let key = 0;
every(100, () => {
  lru.set(key++ % 2000, blob(65536));
  while (lru.size > CAP) lru.delete(lru.keys().next().value);
});
