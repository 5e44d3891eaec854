'use strict';
// A real process started with bootstrap() from the TypeScript sources (ts-node with swc, paths
// mapped like the jest preset): one shutdown hook hangs forever, the deadline is 300 ms, and main
// keeps the event loop busy with a ref'd timer. SIGTERM must still end the process, by bootstrap.
const path = require('node:path');
const root = path.resolve(__dirname, '../../../..');
require('ts-node').register({
  transpileOnly: true,
  swc: true,
  project: path.join(root, 'tools/tsconfig.json'),
});
require('tsconfig-paths').register({
  baseUrl: root,
  paths: require(path.join(root, 'tsconfig.base.json')).compilerOptions.paths,
});
const { SHUTDOWN_HOOK, asInjectionToken } = require('@vitals/core');
const { bootstrap } = require('../bootstrap');

const line = (level) => (obj, msg) =>
  process.stdout.write(`${level} ${typeof obj === 'string' ? obj : msg || ''}\n`);
const quiet = () => undefined;
const logger = {
  trace: quiet,
  debug: quiet,
  info: line('info'),
  warn: line('warn'),
  error: line('error'),
  fatal: line('fatal'),
};
logger.child = () => logger;

const hang = { name: 'hang-forever', run: () => new Promise(() => undefined) };
const fakes = {
  name: 'fakes',
  register(container) {
    container.register(asInjectionToken(SHUTDOWN_HOOK), { useValue: hang });
  },
};

void bootstrap(
  () => {
    setInterval(() => undefined, 1000);
    process.stdout.write('main ran\n');
  },
  {
    name: 'e2e',
    logger,
    plugins: [fakes],
    config: { stopTimeoutMs: 300, startup: { health: false } },
  },
);
