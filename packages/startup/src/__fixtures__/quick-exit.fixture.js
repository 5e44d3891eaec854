'use strict';
// Prints one line and ends by itself (no process.exit): the agent must not keep it alive.
process.stdout.write('done\n');
