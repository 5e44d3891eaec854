'use strict';
// Step leak, 8 MB/min in steps: every 30 s a batch of 4 MB is kept for good.
const { blob, churn, every } = require('./_churn');
churn();
const batches = [];
every(30_000, () => {
  const batch = [];
  for (let i = 0; i < 64; i++) batch.push(blob(65536));
  batches.push(batch);
});
