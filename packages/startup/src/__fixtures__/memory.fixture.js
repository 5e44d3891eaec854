'use strict';
// Holds memory on demand: SIGUSR2 allocates (and touches) MB megabytes, SIGUSR1 frees them and
// runs GC. Prints "ready" and then "rss <bytes>" after each change, so tests wait on output.
const mb = Number(process.argv[2] || 200);
let held = null;
const report = () => process.stdout.write(`rss ${process.memoryUsage().rss}\n`);
process.on('SIGUSR2', () => {
  held = Buffer.alloc(mb * 1024 * 1024, 1);
  report();
});
process.on('SIGUSR1', () => {
  held = null;
  global.gc();
  setTimeout(() => {
    global.gc();
    report();
  }, 20);
});
setInterval(() => held && held.length, 1000);
process.stdout.write('ready\n');
