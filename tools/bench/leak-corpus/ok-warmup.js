'use strict';
// Healthy: warm-up loads 30 MB of reference data over 45 s, then serves steadily.
const { blob, churn, every } = require('./_churn');
churn();
const reference = [];
const started = Date.now();
every(500, () => {
  if (Date.now() - started < 45_000) reference.push(blob((30 * 1024 * 1024) / 90));
});
