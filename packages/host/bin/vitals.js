#!/usr/bin/env node
'use strict';
// The `vitals` binary: a thin launcher for the built CLI, with a clear line when it is not built yet.

// Keep V8's young generation at its initial size (1 MiB semi-spaces). Loading the CLI's modules
// promotes most of what it allocates, and V8 answers a high survival rate by doubling the new
// space up to 16 MiB, which it never gives back: measured, 12 MiB more RSS for a host that then
// allocates a few hundred KiB a second. A long-running monitor wants the small heap; the flag is
// read when V8 decides to grow, so it takes effect here, before anything is loaded. It touches
// this process only (not `vitals run`'s child, nor a library user's process).
const v8 = require('node:v8');
v8.setFlagsFromString('--semi-space-growth-factor=1');
// `vitals run` is a supervisor that spends its life waiting: a few hundred microseconds of work
// once a second. TurboFan pays nothing back there, while compiling what module loading made hot
// touches ~5 MiB of the compiler in the node binary and keeps a background thread busy. Measured
// (issue 13): without it the supervisor's RSS is 55 MiB instead of 61 and its CPU no higher (with
// every plugin, 0.94 % of a core instead of 1.03). Read when V8 decides to optimize, so it takes
// effect here, before anything is loaded; the child is a separate process and keeps TurboFan.
if (commandOf(process.argv.slice(2)) === 'run') v8.setFlagsFromString('--no-opt');

/** The command word: the first argument that is not an option nor the value of -c/--config. */
function commandOf(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return undefined;
    if (argv[i] === '-c' || argv[i] === '--config') i++;
    else if (!argv[i].startsWith('-')) return argv[i];
  }
  return undefined;
}
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
// `vitals ps | head` closes the pipe early: that is the reader's choice, not an error. A
// supervisor (`run`) or a host (`start`) never dies of its own output: it keeps its child and its
// service running and writes on into the void.
const outlives = cli.outlivesItsReader(process.argv.slice(2));
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (outlives) return;
    if (error && error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code ?? 0),
  (error) => {
    console.error(`vitals: ${error && error.message ? error.message : String(error)}`);
    process.exit(1);
  },
);
