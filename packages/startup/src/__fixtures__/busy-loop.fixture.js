'use strict';
// Reports normally, then blocks its event loop for good once told by its first argument's delay.
const after = Number(process.argv[2] || 300);
process.stdout.write('ready\n');
setTimeout(() => {
  process.stdout.write('blocking\n');
  for (;;) {
    // an endless loop: the agent's timer never runs again
  }
}, after);
