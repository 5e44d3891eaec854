'use strict';
// Traps SIGTERM, cleans up for DELAY ms (argv[2]), then exits 0. With argv[2] = "never", ignores
// SIGTERM entirely.
const delay = process.argv[2] || '200';
process.on('SIGTERM', () => {
  process.stdout.write('got SIGTERM\n');
  if (delay !== 'never') setTimeout(() => process.exit(0), Number(delay));
});
process.on('SIGHUP', () => process.stdout.write('got SIGHUP\n'));
setInterval(() => undefined, 1000);
process.stdout.write('ready\n');
