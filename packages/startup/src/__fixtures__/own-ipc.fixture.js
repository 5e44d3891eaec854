'use strict';
// A child that uses process.send itself, then ends on its own (no process.exit): the agent must
// neither break its messages nor keep it alive.
process.send({ hello: 'from app' }, (error) => {
  const env = process.env.NODE_OPTIONS ? 'leaked' : 'clean';
  process.stdout.write(`send ${error ? 'failed' : 'ok'}; agent-env ${env}\n`);
});
