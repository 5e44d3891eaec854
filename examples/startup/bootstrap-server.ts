import { createServer, type Server } from 'node:http';
import { bootstrap, startupPlugin } from '@vitals/startup';
import { memoryPlugin } from '@vitals/memory';
import { processPlugin } from '@vitals/process';
import { diagnosticsPlugin } from '@vitals/diagnostics';
import pino from 'pino';

/** Your HTTP server; resolves once it listens. */
function startServer(): Promise<Server> {
  const server = createServer((_req, res) => res.end('ok\n'));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

void bootstrap(
  async ({ signal }) => {
    const server = await startServer(); // ready after this resolves
    signal.addEventListener('abort', () => server.close());
  },
  {
    name: 'api',
    plugins: [memoryPlugin(), processPlugin(), diagnosticsPlugin(), startupPlugin()],
    config: { http: { port: 9477 }, stopTimeoutMs: 10_000 },
    logger: pino(),
  },
);
