'use strict';
// A busy service: every 30 ms a callback keeps the event loop busy for 25 ms.
setInterval(() => {
  const until = Date.now() + 25;
  while (Date.now() < until) {
    // work
  }
}, 30);
process.stdout.write('ready\n');
