'use strict';
// Healthy: steady request churn, nothing retained.
const { churn } = require('./_churn');
churn(20);
