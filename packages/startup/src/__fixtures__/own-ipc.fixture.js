'use strict';
// A child that uses process.send itself, then exits on its own: the agent must neither break its
// messages nor keep it alive.
process.send({ hello: 'from app' }, () => {
  process.stdout.write(`agent-env ${process.env.NODE_OPTIONS ? 'leaked' : 'clean'}\n`);
  setTimeout(() => process.exit(0), 50);
});
