'use strict';
// A quiet service: no timer of its own that fires (one a day keeps it alive), so what wakes it is
// the agent. On SIGUSR2 it blocks its event loop once for argv[2] ms (300).
setInterval(() => undefined, 24 * 3600 * 1000);
const stallMs = Number(process.argv[2] || 300);
process.on('SIGUSR2', () => {
  process.stdout.write('stall\n');
  const until = Date.now() + stallMs;
  while (Date.now() < until) {
    // the loop is blocked: no timer and no IPC runs meanwhile
  }
  process.stdout.write('stalled\n');
});
process.stdout.write('ready\n');
