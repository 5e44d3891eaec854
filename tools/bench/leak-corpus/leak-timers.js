'use strict';
// Timer leak, ~2 MB/min: each job starts a heartbeat interval that is never cleared.
const { blob, churn, every } = require('./_churn');
churn();
every(500, () => {
  const job = blob((2 * 1024 * 1024) / 120);
  setInterval(() => job.payload.length, 3_600_000);
});
