// A second process that contends for an instance lock, for tests. It loads the TypeScript
// sources (ts-node, transpile only) and waits for "go" on stdin, so several contenders can race.
// Prints "ready", then "won <path>" or "lost <code> <message>"; holds a won lock until stdin ends.
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '../../../..');
process.env.TS_NODE_PROJECT = path.join(root, 'tools/tsconfig.json');
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
require(require.resolve('ts-node/register/transpile-only', { paths: [root] }));
require(require.resolve('tsconfig-paths/register', { paths: [root] }));
const { acquireInstanceLock } = require('../lock/instance.lock');

const [name, dir] = process.argv.slice(2);
let lock;
let input = '';
process.stdin.on('data', (chunk) => {
  input += chunk;
  if (lock !== undefined || !input.includes('go')) return;
  try {
    lock = acquireInstanceLock(name, { dir });
    process.stdout.write(`won ${lock.path}\n`);
  } catch (error) {
    lock = null;
    process.stdout.write(`lost ${error.code} ${error.message}\n`);
  }
});
process.stdin.on('end', () => {
  if (lock) lock.release();
  process.exit(0);
});
process.stdout.write('ready\n');
