'use strict';
// Heap leak, 5 MB/min: request contexts pushed into an audit trail that is never trimmed.
const { blob, churn, every } = require('./_churn');
churn();
const audit = [];
every(500, () => audit.push({ ctx: blob((5 * 1024 * 1024) / 120), at: Date.now() }));
