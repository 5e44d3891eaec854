'use strict';
// Healthy: a 300 MB heap built at start (an in-memory index), stable afterwards.
const { blob, churn } = require('./_churn');
const index = [];
for (let i = 0; i < 30; i++) index.push(new Array(1_000_000).fill(i + 0.5));
for (let i = 0; i < 600; i++) index.push(blob(100_000));
churn();
