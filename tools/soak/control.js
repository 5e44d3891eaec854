// The soak's control: a bare Node process with the same event-loop probe as the host and nothing
// else. Its delays are the machine's (other work on a shared CPU), not Vitals'; the soak prints
// them beside the host's so a loaded machine is told apart from a slow host.
'use strict';
const { startLoopProbe } = require('./loop-probe');

startLoopProbe();
const keepAlive = setInterval(() => undefined, 60_000);
process.once('SIGTERM', () => {
  clearInterval(keepAlive);
  process.exit(0);
});
process.stdout.write(`${JSON.stringify({ pid: process.pid })}\n`);
