'use strict';
// A service that closes its IPC channel (process.disconnect()) and lives on: the supervisor can no
// longer hear its agent, which must not read as a hang.
setInterval(() => undefined, 1000);
setTimeout(() => {
  process.disconnect();
  process.stdout.write('disconnected\n');
}, 300);
process.stdout.write('ready\n');
