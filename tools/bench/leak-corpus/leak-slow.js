'use strict';
// Heap leak, 1 MB/min: an ever-growing array of session records.
const { blob, churn, every } = require('./_churn');
churn();
const sessions = [];
every(1000, () => sessions.push(blob((1024 * 1024) / 60)));
