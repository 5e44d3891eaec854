'use strict';
// Step leak, 10 MB/min in steps: every 30 s a 5 MB batch is kept for good.
const { blob, churn, every } = require('./_churn');
churn();
const batches = [];
every(30_000, () => {
  const batch = [];
  for (let i = 0; i < 80; i++) batch.push(blob(65536));
  batches.push(batch);
});
