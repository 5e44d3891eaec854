'use strict';
// Opens N connections to 127.0.0.1:PORT, holds them HOLD_MS, prints one JSON line
// {opened, errors} and closes them: a connection flood from a process of its own, so the
// flooder's fds are not the test runner's.
const { connect } = require('node:net');

const [port, n, holdMs] = process.argv.slice(2).map(Number);
const sockets = [];
let opened = 0;
let errors = 0;
for (let i = 0; i < n; i++) {
  const s = connect(port, '127.0.0.1');
  s.on('connect', () => opened++);
  s.on('error', () => errors++);
  sockets.push(s);
}
setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ opened, errors })}\n`);
  for (const s of sockets) s.destroy();
}, holdMs);
