'use strict';
// A primary with N workers (child_process.fork of itself), each holding MB megabytes touched.
const { fork } = require('node:child_process');
const [role, n, mb] = [
  process.argv[2] || 'primary',
  Number(process.argv[3] || 2),
  Number(process.argv[4] || 40),
];
if (role === 'worker') {
  const held = Buffer.alloc(mb * 1024 * 1024, 1);
  process.stdout.write(`worker ${process.pid} ${held.length}\n`);
  setInterval(() => held[0], 1000);
} else {
  for (let i = 0; i < n; i++)
    fork(__filename, ['worker', String(n), String(mb)], { stdio: 'inherit' });
  process.stdout.write(`primary ${process.pid}\n`);
  setInterval(() => undefined, 1000);
}
