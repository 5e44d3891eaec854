// An idle process for tests: says "ready" once its handlers are set, then waits forever.
'use strict';
if (process.argv.includes('--ignore-term')) {
  process.on('SIGTERM', () => process.stdout.write('term\n'));
}
setInterval(() => undefined, 1 << 30);
process.stdout.write('ready\n');
