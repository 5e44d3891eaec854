'use strict';
// Healthy: a memoizer over a key space whose new keys thin out logarithmically
// (16 MB · ln(1 + t / 10 s): +38 MB by 4 min, and still rising slowly).
const { blob, churn, every } = require('./_churn');
churn();
const memo = [];
const started = Date.now();
every(250, () => {
  const t = (Date.now() - started) / 1000;
  const target = Math.round((16 * Math.log(1 + t / 10) * 1024 * 1024) / 65536);
  while (memo.length < target) memo.push(blob(65536));
});
