import { createMemoryLogger } from '../logging/logger';
import { ManualClock } from '../util/clock';
import type { HttpConfig } from '../config/config.types';
import { HttpServer, httpUrl } from './http.server';
import type { HttpRoute } from './http.types';
import { echoRoute as echo, send, testHttpConfig as config } from './http.test-util';

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

  it('names its address as a URL, an IPv6 host in brackets', () => {
    expect(httpUrl({ host: '127.0.0.1', port: 9477 })).toBe('http://127.0.0.1:9477');
    expect(httpUrl({ host: '::', port: 9477 })).toBe('http://[::]:9477');
    expect(httpUrl({ host: '::1', port: 80 })).toBe('http://[::1]:80');
    expect(httpUrl({ host: 'fe80::1%eth0', port: 80 })).toBe('http://[fe80::1%25eth0]:80');
  });

  it('sends one Date header, the time of the answer to the second (RFC 9110 IMF-fixdate)', async () => {
    await serve([echo('GET', '/metrics')]);
    const before = Math.floor(Date.now() / 1000) * 1000;
    const res = await send(port, '/metrics');
    const after = Date.now();
    const date = res.headers.date as string;
    expect(date).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
    expect(Date.parse(date)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(date)).toBeLessThanOrEqual(after);
  });

  it('answers 404 as JSON naming the path', async () => {
    await serve([echo('GET', '/metrics')]);
    const res = await send(port, '/nope/x?y=1');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.json()).toEqual({ error: 'not found', path: '/nope/x' });
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('answers 400 to a path with malformed percent-encoding', async () => {
    await serve([echo('GET', '/api/series/:name')]);
    const res = await send(port, '/api/series/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad request' });
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

  it('sends 100 Continue only to uploads within the limit', async () => {
    await serve([echo('POST', '/api/upload')]);
    const small = await send(port, '/api/upload', {
      method: 'POST',
      body: 'abc',
      expectContinue: true,
    });
    expect(small).toMatchObject({ status: 200, continued: true });
    expect(small.json()).toMatchObject({ body: 'abc' });
    const big = await send(port, '/api/upload', {
      method: 'POST',
      headers: { 'Content-Length': '5000' },
      body: Buffer.alloc(5000),
      expectContinue: true,
    });
    expect(big).toMatchObject({ status: 413, continued: false });
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
});
