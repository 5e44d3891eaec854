'use strict';
// A plugin whose start() takes START_MS (default 3000) and writes "starting", "started" and
// "stopped" lines to $SLOW_PLUGIN_LOG: a test sends its signal while the host is starting.
const { appendFileSync } = require('node:fs');

const note = (line) => appendFileSync(process.env.SLOW_PLUGIN_LOG, `${line}\n`);
exports.plugin = () => ({
  name: 'slow-start',
  register() {
    // Nothing to register: the plugin only takes its time to start.
  },
  async start() {
    note(`starting ${process.pid}`);
    await new Promise((r) => setTimeout(r, Number(process.env.SLOW_PLUGIN_START_MS || 3000)));
    note('started');
  },
  async stop() {
    note('stopped');
  },
});
