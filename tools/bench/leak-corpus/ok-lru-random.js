'use strict';
// Healthy: an LRU of 700 entries (≈ 44 MB) over 2000 random keys with churn: hits rise as it
// fills, so growth slows by itself (a coupon collector), then evictions balance inserts.
const { blob, churn, every } = require('./_churn');
churn();
const CAP = 700;
const lru = new Map();
every(100, () => {
  const k = Math.floor(Math.random() * 2000);
  if (lru.has(k)) {
    const v = lru.get(k);
    lru.delete(k);
    lru.set(k, v);
    return;
  }
  lru.set(k, blob(65536));
  while (lru.size > CAP) lru.delete(lru.keys().next().value);
});
