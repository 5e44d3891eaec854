'use strict';
// Healthy: every 30 s a 50 MB burst (a big report) lives for 5 s, then is dropped.
const { blob, churn, every } = require('./_churn');
churn();
every(30_000, () => {
  let report = [];
  for (let i = 0; i < 800; i++) report.push(blob(65536));
  setTimeout(() => (report = null), 5000);
});
