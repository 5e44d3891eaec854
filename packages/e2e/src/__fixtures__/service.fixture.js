'use strict';
// A supervised service: prints "ready <pid>", writes its pid to $PID_FILE when set, traps SIGTERM
// (exits 0 after 100 ms) and otherwise runs until killed.
const { appendFileSync } = require('node:fs');

if (process.env.PID_FILE) appendFileSync(process.env.PID_FILE, `${process.pid}\n`);
process.on('SIGTERM', () => setTimeout(() => process.exit(0), 100));
setInterval(() => undefined, 1000);
// A closed stdout (its reader gone) is not this service's death.
process.stdout.on('error', () => undefined);
process.stdout.write(`ready ${process.pid}\n`);
