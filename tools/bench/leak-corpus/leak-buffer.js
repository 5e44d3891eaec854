'use strict';
// Buffer leak, 3 MB/min outside the JS heap: retained Buffers (heapUsed barely moves).
const { churn, every } = require('./_churn');
churn();
const chunks = [];
every(1000, () => chunks.push(Buffer.alloc((3 * 1024 * 1024) / 60, 1)));
