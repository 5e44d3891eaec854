'use strict';
// Heap leak, 10 MB/min: a Map used as a cache that is never evicted.
const { blob, churn, every } = require('./_churn');
churn();
const cache = new Map();
let key = 0;
every(100, () => cache.set(`k${key++}`, blob((10 * 1024 * 1024) / 600)));
