import { createServer } from 'node:net';
import type { Server as NetServer } from 'node:net';
import { Agent } from 'node:http';
import { ManualClock } from '../util/clock';
import type { HttpConfig } from '../config/config.types';
import { HttpServer } from './http.server';
import type { HttpRoute } from './http.types';
import { echoRoute as echo, send, testHttpConfig as config } from './http.test-util';

describe('HttpServer lifecycle', () => {
  let server: HttpServer | undefined;
  let port = 0;

  async function serve(
    routes: HttpRoute[],
    over: Partial<HttpConfig> = {},
    clock?: ManualClock,
  ): Promise<number> {
    server = new HttpServer(config(over), routes, undefined, { clock });
    port = (await server.start()).port;
    return port;
  }

  afterEach(async () => {
    await server?.stop(100);
    server = undefined;
  });

  it('rejects with a one-line ERR_HTTP_PORT_IN_USE when the port is taken', async () => {
    const blocker: NetServer = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      server = new HttpServer(config({ port: taken }), [echo('GET', '/metrics')]);
      await expect(server.start()).rejects.toMatchObject({
        code: 'ERR_HTTP_PORT_IN_USE',
        message: `port ${taken} on 127.0.0.1 is already in use; set http.port to a free port (or 0 for any)`,
      });
      expect(server.address()).toBeUndefined();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('rejects an address the machine does not have with ERR_HTTP_LISTEN', async () => {
    server = new HttpServer(config({ host: '192.0.2.1', token: 't' }), []);
    await expect(server.start()).rejects.toMatchObject({ code: 'ERR_HTTP_LISTEN' });
  });

  it('throws ERR_HTTP_ROUTE_CONFLICT at construction for the same method and path', () => {
    expect(
      () => new HttpServer(config(), [echo('GET', '/metrics'), echo('GET', '/metrics')]),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_HTTP_ROUTE_CONFLICT',
        message: expect.stringContaining('/metrics'),
      }),
    );
  });

  it('stops idempotently, closing idle keep-alive connections, and cannot start again', async () => {
    await serve([echo('GET', '/metrics')]);
    const agent = new Agent({ keepAlive: true });
    try {
      expect((await send(port, '/metrics', { agent })).status).toBe(200);
      const first = server!.stop(60_000);
      expect(server!.stop()).toBe(first);
      await first; // resolves only once the idle keep-alive socket is closed
      await server!.stop();
      expect(server!.address()).toBeUndefined();
      await expect(server!.start()).rejects.toMatchObject({ code: 'ERR_LIFECYCLE_STATE' });
      await expect(send(port, '/metrics')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      agent.destroy();
    }
  });

  it('lets a request in flight finish during stop, then closes its keep-alive connection', async () => {
    const clock = new ManualClock();
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: HttpRoute = {
      method: 'GET',
      path: '/slow',
      async handle(_req, res) {
        entered();
        await gate;
        res.end('done');
      },
    };
    await serve([slow], {}, clock);
    const agent = new Agent({ keepAlive: true });
    try {
      const pending = send(port, '/slow', { agent });
      await inside;
      const stopped = server!.stop(60_000);
      release();
      expect((await pending).text).toBe('done');
      await stopped; // without advancing the clock: no need to wait for the deadline
      expect(clock.pending).toBe(0);
    } finally {
      agent.destroy();
    }
  });

  it('closes connections still busy at the stop deadline', async () => {
    const clock = new ManualClock();
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    await serve(
      [
        {
          method: 'GET',
          path: '/stream',
          handle: (_req, res) => {
            res.write('data: 1\n\n');
            entered();
          },
        },
      ],
      {},
      clock,
    );
    const pending = send(port, '/stream');
    await inside;
    const stopped = server!.stop(1000);
    clock.advance(1000);
    await stopped;
    await expect(pending).rejects.toThrow();
  });
});
