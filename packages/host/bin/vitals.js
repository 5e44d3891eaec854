#!/usr/bin/env node
'use strict';
// The `vitals` binary: a thin launcher for the built CLI, with a clear line when it is not built yet.
let cli;
try {
  cli = require('../dist/cli.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli\.js/.test(error.message)) {
    console.error('vitals: the CLI is not built yet; run `npm run build` in the workspace first');
    process.exit(1);
  }
  throw error;
}
// `vitals ps | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error && error.code === 'EPIPE') process.exit(0);
  throw error;
});
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code ?? 0),
  (error) => {
    console.error(`vitals: ${error && error.message ? error.message : String(error)}`);
    process.exit(1);
  },
);
