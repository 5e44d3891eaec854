'use strict';
// Listener leak, ~2 MB/min: every "connection" subscribes to a shared emitter and never unsubscribes.
const { EventEmitter } = require('node:events');
const { blob, churn, every } = require('./_churn');
churn();
const bus = new EventEmitter();
bus.setMaxListeners(0);
every(500, () => {
  const state = blob((2 * 1024 * 1024) / 120);
  bus.on('config', () => state.payload.length);
});
every(5000, () => bus.emit('config'));
