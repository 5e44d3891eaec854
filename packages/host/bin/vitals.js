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
// No optimizing compiler in the CLI process. What it runs steadily is a few thousand lines once a
// second (collectors, the scrape, the supervisor's bookkeeping), where TurboFan buys nothing
// measurable but costs memory: its code pages in the node binary, its zones, the generated code.
// Measured on `vitals start` (monitor + prometheus) scraped once a second over 180 s: RSS 66.6 →
// 59.3 MiB, CPU 148 → 150 ticks (within the run-to-run noise of ±8). `--optimize-for-size` lets
// V8 keep the heap tight. The baseline compiler (Sparkplug) stays on for `start`, whose tick and
// scrape are most of its CPU: `npm run bench:overhead -- --baseline` with and without it, same
// run, 3 × 60 s: CPU −13 % for +1.6 MiB. Everywhere else (`run`'s supervisor idles between the
// agent's reports; short commands) it is off: no CPU to win, the memory to lose. Set at run time
// (the CLI has no say over node's own flags); like the line above, it touches this process only.
const flags = ['--no-opt', '--no-turbofan', '--optimize-for-size'];
if (commandWord(process.argv.slice(2)) !== 'start') flags.push('--no-sparkplug');
for (const flag of flags) v8.setFlagsFromString(flag);
let cli;

/** The command: the first word before `--` that is not an option nor `-c`/`--config`'s value. */
function commandWord(args) {
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    if (args[i] === '-c' || args[i] === '--config') i++;
    else if (!args[i].startsWith('-')) return args[i];
  }
  return undefined;
}

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
