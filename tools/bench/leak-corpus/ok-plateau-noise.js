'use strict';
// Healthy: reference data loaded over 90 s (30 MB), then a plateau with noise: batches of 2–12 MB
// held for 10–20 s at random.
const { blob, churn, every } = require('./_churn');
churn();
const reference = [];
const started = Date.now();
every(500, () => {
  if (Date.now() - started < 90_000) reference.push(blob((30 * 1024 * 1024) / 180));
});
every(5000, () => {
  if (Date.now() - started < 90_000) return;
  let batch = [];
  const n = 32 + Math.floor(Math.random() * 160);
  for (let i = 0; i < n; i++) batch.push(blob(65536));
  setTimeout(() => (batch = null), 10_000 + Math.random() * 10_000);
});
