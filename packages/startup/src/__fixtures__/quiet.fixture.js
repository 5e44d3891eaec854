'use strict';
// A quiet service: no timer of its own that fires (one a day keeps it alive), so what wakes it is
// the agent. After argv[2] ms (when given) it blocks its event loop once for argv[3] ms (300).
setInterval(() => undefined, 24 * 3600 * 1000);
const stallAfterMs = Number(process.argv[2]);
const stallMs = Number(process.argv[3] || 300);
if (stallAfterMs > 0)
  setTimeout(() => {
    process.stdout.write('stall\n');
    const until = Date.now() + stallMs;
    while (Date.now() < until) {
      // the loop is blocked: no timer and no IPC runs meanwhile
    }
    process.stdout.write('stalled\n');
  }, stallAfterMs);
process.stdout.write('ready\n');
