'use strict';
// Heap leak, 1.3 GB/h (≈ 22 MB/min): a per-message map keyed by ids that are never deleted.
const { blob, churn, every } = require('./_churn');
churn();
const seen = new Map();
let id = 0;
every(250, () => seen.set(`msg-${id++}`, blob((1300 * 1024 * 1024) / 3600 / 4)));
