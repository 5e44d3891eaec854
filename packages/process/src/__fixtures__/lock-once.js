// Takes an instance lock once and prints "won <path>" or "lost <code> <message>", then releases
// it and exits: run as another user (setpriv) to test what one user's lock does to another's.
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '../../../..');
process.env.TS_NODE_PROJECT = path.join(root, 'tools/tsconfig.json');
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
require(require.resolve('ts-node/register/transpile-only', { paths: [root] }));
require(require.resolve('tsconfig-paths/register', { paths: [root] }));
const { acquireInstanceLock } = require('../lock/instance.lock');

const [name, dir] = process.argv.slice(2);
try {
  const lock = acquireInstanceLock(name, { dir });
  process.stdout.write(`won ${lock.path}\n`);
  lock.release();
} catch (error) {
  process.stdout.write(`lost ${error.code} ${error.message}\n`);
}
