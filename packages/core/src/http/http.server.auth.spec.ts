import { createMemoryLogger } from '../logging/logger';
import { HttpServer } from './http.server';
import type { HttpRoute } from './http.types';
import { send, testHttpConfig as config } from './http.test-util';

const TOKEN = 's3cret-token';

const routes: HttpRoute[] = [
  {
    method: 'GET',
    path: '/metrics',
    handle: (_req, res, ctx) => void res.end(`search=${ctx.url.search}`),
  },
  {
    method: 'GET',
    path: '/health/live',
    public: true,
    handle: (_req, res) => void res.end('live'),
  },
];

describe('HttpServer token', () => {
  let server: HttpServer | undefined;

  afterEach(async () => {
    await server?.stop(100);
    server = undefined;
  });

  it('refuses to start off loopback without a token, with a one-line ERR_HTTP_TOKEN_REQUIRED', async () => {
    for (const host of ['0.0.0.0', '::']) {
      server = new HttpServer(config({ host }), routes);
      const error = await server.start().catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'ERR_HTTP_TOKEN_REQUIRED',
        message: `http.host ${host} is reachable from other machines; set http.token or bind to 127.0.0.1`,
      });
      expect(server.address()).toBeUndefined();
    }
  });

  it('starts on 0.0.0.0 with a token and serves only requests that carry it', async () => {
    const logger = createMemoryLogger();
    server = new HttpServer(config({ host: '0.0.0.0', token: TOKEN }), routes, logger);
    const { host, port } = await server.start();
    expect(host).toBe('0.0.0.0');
    expect(logger.entries.some((e) => e.msg.includes(`:${port}`))).toBe(true);

    const missing = await send(port, '/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="vitals"');
    expect(missing.json()).toMatchObject({ error: 'unauthorized' });

    const ok = await send(port, '/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
  });

  describe('on loopback with a token', () => {
    let port = 0;
    beforeEach(async () => {
      server = new HttpServer(config({ token: TOKEN }), routes);
      port = (await server.start()).port;
    });

    it.each([
      ['no token', {}, '/metrics'],
      ['a wrong bearer token', { Authorization: 'Bearer s3cret-tokeN' }, '/metrics'],
      ['a longer token', { Authorization: `Bearer ${TOKEN}x` }, '/metrics'],
      ['another scheme', { Authorization: `Basic ${TOKEN}` }, '/metrics'],
      ['a wrong ?token=', {}, '/metrics?token=nope'],
      ['no token, unknown path', {}, '/secret/admin'],
    ])('answers 401 to %s', async (_what, headers, path) => {
      const res = await send(port, path, { headers });
      expect(res.status).toBe(401);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers['x-frame-options']).toBe('DENY');
    });

    it('answers 200 with the Bearer header or with ?token=, which handlers never see', async () => {
      const header = await send(port, '/metrics?x=1', {
        headers: { authorization: `bearer ${TOKEN}` },
      });
      expect(header).toMatchObject({ status: 200, text: 'search=?x=1' });
      const query = await send(port, `/metrics?token=${TOKEN}&x=1`);
      expect(query).toMatchObject({ status: 200, text: 'search=?x=1' });
    });

    it('serves public routes without the token, and 404s only once authorized', async () => {
      expect(await send(port, '/health/live')).toMatchObject({ status: 200, text: 'live' });
      expect(await send(port, '/health/live', { method: 'HEAD' })).toMatchObject({
        status: 200,
        text: '',
      });
      const unknown = await send(port, '/nope', { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(unknown.status).toBe(404);
    });
  });
});
