'use strict';
// Reports normally, then blocks its event loop for good after argv[2] ms. It traps SIGTERM (as a
// service with a graceful-shutdown handler does), so only SIGKILL can end it once blocked.
const after = Number(process.argv[2] || 300);
process.on('SIGTERM', () => process.exit(0));
process.stdout.write('ready\n');
setTimeout(() => {
  process.stdout.write('blocking\n');
  for (;;) {
    // an endless loop: neither the agent's timer nor the SIGTERM handler ever runs again
  }
}, after);
