'use strict';
// Prints what the supervisor gave it, then exits with code 7.
const v8 = require('node:v8');
const mb = Math.round(v8.getHeapStatistics().heap_size_limit / 1024 / 1024);
process.stdout.write(`NODE_OPTIONS=${process.env.NODE_OPTIONS || ''}\nheap-limit-mb=${mb}\n`);
process.stderr.write('to stderr\n');
process.exitCode = 7;
