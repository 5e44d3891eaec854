#!/usr/bin/env node
// Runs a TypeScript benchmark against the workspace sources:
//   node tools/bench/run.js tools/bench/<name>.bench.ts [args...]
// ts-node (transpile only) compiles it; tsconfig-paths maps @vitals/* to packages/*/src, so a
// benchmark always measures the code in the tree, built or not.
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node tools/bench/run.js <bench.ts> [args...]');
  process.exit(64);
}
const root = path.resolve(__dirname, '../..');
const result = spawnSync(
  process.execPath,
  [
    ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
    '-r',
    'ts-node/register/transpile-only',
    '-r',
    'tsconfig-paths/register',
    path.resolve(root, script),
    ...args,
  ],
  {
    stdio: 'inherit',
    cwd: root,
    env: {
      ...process.env,
      TS_NODE_PROJECT: path.join(root, 'tools/tsconfig.json'),
      // tsconfig-paths resolves the base config's paths against this, so @vitals/* maps to src.
      TS_NODE_BASEURL: root,
    },
  },
);
process.exit(result.status ?? 1);
