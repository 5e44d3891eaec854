'use strict';
// A service that traps SIGTERM and SIGINT, cleans up for DELAY ms (argv[2], default 300), then
// exits 43 after SIGTERM and 42 after SIGINT, so a test can tell which signal reached it.
const delay = Number(process.argv[2] || '300');
for (const [signal, code] of [
  ['SIGTERM', 43],
  ['SIGINT', 42],
]) {
  process.on(signal, () => {
    process.stdout.write(`got ${signal}\n`);
    setTimeout(() => process.exit(code), delay);
  });
}
setInterval(() => undefined, 1000);
process.stdout.write(`ready ${process.pid}\n`);
