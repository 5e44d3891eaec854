'use strict';
// Starts a grandchild (a shell sleeping) and prints its pid, then crashes after DELAY ms.
const { spawn } = require('node:child_process');
const g = spawn('sleep', ['300'], { stdio: 'ignore' });
process.stdout.write(`grandchild ${g.pid}\n`);
setTimeout(() => process.exit(3), Number(process.argv[2] || 300));
