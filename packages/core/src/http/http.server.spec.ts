import { createServer } from 'node:net';
import type { Server as NetServer } from 'node:net';
import { Agent } from 'node:http';
import { createMemoryLogger } from '../logging/logger';
import { ManualClock } from '../util/clock';
import type { HttpConfig } from '../config/config.types';
import { HttpServer } from './http.server';
import type { HttpContext, HttpMethod, HttpRoute } from './http.types';
import { send } from './http.test-util';

const config = (over: Partial<HttpConfig> = {}): HttpConfig => ({
  port: 0,
  host: '127.0.0.1',
  maxBodyBytes: 1024,
  ...over,
});

/** A route that answers JSON describing what it received. */
const echo = (method: HttpMethod, path: string): HttpRoute => ({
  method,
  path,
  handle(req, res, ctx: HttpContext) {
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({
        route: path,
        params: ctx.params,
        body: ctx.body.toString(),
        search: ctx.url.search,
      }),
    );
  },
});

describe('HttpServer', () => {
  let server: HttpServer | undefined;
  let port = 0;
  const logger = createMemoryLogger();

  async function serve(
    routes: HttpRoute[],
    over: Partial<HttpConfig> = {},
    clock?: ManualClock,
  ): Promise<number> {
    server = new HttpServer(config(over), routes, logger, { clock });
    port = (await server.start()).port;
    return port;
  }

  afterEach(async () => {
    await server?.stop(100);
    server = undefined;
  });

  it('routes exact, :param and prefix paths over a real socket', async () => {
    await serve([
      echo('GET', '/metrics'),
      echo('GET', '/api/series/:name'),
      echo('GET', '/dashboard/*'),
    ]);
    expect((await send(port, '/metrics')).json()).toMatchObject({ route: '/metrics', params: {} });
    expect((await send(port, '/metrics/')).json()).toMatchObject({ route: '/metrics' });
    expect((await send(port, '/api/series/heap%20used?x=1')).json()).toMatchObject({
      route: '/api/series/:name',
      params: { name: 'heap used' },
      search: '?x=1',
    });
    const asset = await send(port, '/dashboard/js/app.js');
    expect(asset.json()).toMatchObject({ route: '/dashboard/*', params: { '*': 'js/app.js' } });
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 404 as JSON naming the path', async () => {
    await serve([echo('GET', '/metrics')]);
    const res = await send(port, '/nope/x?y=1');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.json()).toEqual({ error: 'not found', path: '/nope/x' });
  });

  it('answers 405 with an Allow header for a known path and another method', async () => {
    await serve([echo('GET', '/api/items'), echo('POST', '/api/items')]);
    const res = await send(port, '/api/items', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(res.json()).toMatchObject({
      error: 'method not allowed',
      allow: ['GET', 'HEAD', 'POST'],
    });
  });

  it('answers HEAD through the GET route, with headers and no body', async () => {
    await serve([echo('GET', '/metrics')]);
    const res = await send(port, '/metrics', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe('');
  });

  it('hands the request body to the handler as a Buffer', async () => {
    await serve([echo('POST', '/api/echo')]);
    const res = await send(port, '/api/echo', {
      method: 'POST',
      body: [Buffer.from('hel'), Buffer.from('lo')],
    });
    expect(res.json()).toMatchObject({ body: 'hello' });
  });

  it('answers 413 when Content-Length is over maxBodyBytes, without waiting for the body', async () => {
    const handle = jest.fn();
    await serve([{ method: 'POST', path: '/api/upload', handle }]);
    const res = await send(port, '/api/upload', {
      method: 'POST',
      headers: { 'Content-Length': '1025' },
      hold: true,
    });
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(res.json()).toEqual({ error: 'payload too large', limit: 1024 });
    expect(handle).not.toHaveBeenCalled();
  });

  it('answers 413 when a chunked body grows past maxBodyBytes', async () => {
    const handle = jest.fn();
    await serve([{ method: 'POST', path: '/api/upload', handle }]);
    const res = await send(port, '/api/upload', {
      method: 'POST',
      body: [Buffer.alloc(600, 1), Buffer.alloc(600, 2)],
    });
    expect(res.status).toBe(413);
    expect(handle).not.toHaveBeenCalled();
    // The server is still fine afterwards.
    expect((await send(port, '/api/upload', { method: 'GET' })).status).toBe(405);
  });

  it('refuses Expect: 100-continue uploads over the limit before the client sends them', async () => {
    await serve([echo('POST', '/api/upload')]);
    const res = await send(port, '/api/upload', {
      method: 'POST',
      headers: { 'Content-Length': '5000', Expect: '100-continue' },
      hold: true,
    });
    expect(res.status).toBe(413);
  });

  it('answers 500 without a stack when a handler throws or rejects, logs it, and keeps serving', async () => {
    await serve([
      {
        method: 'GET',
        path: '/boom',
        handle: () => {
          throw new Error('kaboom');
        },
      },
      {
        method: 'GET',
        path: '/later',
        handle: async () => Promise.reject(new Error('async kaboom')),
      },
      echo('GET', '/ok'),
    ]);
    for (const path of ['/boom', '/later']) {
      const res = await send(port, path);
      expect(res.status).toBe(500);
      expect(res.json()).toEqual({ error: 'internal server error' });
      expect(res.text).not.toContain('kaboom');
    }
    expect((await send(port, '/ok')).status).toBe(200);
    expect(server!.errorCount).toBe(2);
    const logged = logger.entries.filter(
      (e) => e.level === 'error' && e.data['route'] === '/later',
    );
    expect(logged[0]?.msg).toContain('async kaboom');
  });

  it('answers 503 for a handler that never starts its response once the clock passes the timeout', async () => {
    const clock = new ManualClock();
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    await serve([{ method: 'GET', path: '/hang', handle: () => entered() }], {}, clock);
    const pending = send(port, '/hang');
    await inside;
    expect(clock.pending).toBe(1);
    clock.advance(30_000);
    const res = await pending;
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ error: 'handler timed out' });
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
