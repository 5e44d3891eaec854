#!/usr/bin/env node
// A host with the monitor, memory and dashboard plugins at 1 Hz, run from the built packages (as
// a user runs them), for the dashboard benchmark:
//   node tools/bench/dashboard.host.js PORT
// Prints "listening <port>" once the HTTP server is up; stops on SIGTERM.
'use strict';
const { createHost } = require('@vitals/core');
const { monitorPlugin } = require('@vitals/monitor');
const { memoryPlugin } = require('@vitals/memory');
const { dashboardPlugin } = require('@vitals/dashboard');

const port = Number(process.argv[2] ?? 0);
const host = createHost({
  plugins: [monitorPlugin(), memoryPlugin(), dashboardPlugin()],
  config: { http: { port }, monitor: { intervalMs: 1000 } },
});
host.start().then(
  () => process.stdout.write(`listening ${host.httpAddress().port}\n`),
  (error) => {
    process.stderr.write(`host failed to start: ${error.message}\n`);
    process.exit(1);
  },
);
process.once('SIGTERM', () => host.stop().then(() => process.exit(0)));
