import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { HttpServer } from './http.server';
import { echoRoute, send, testHttpConfig } from './http.test-util';
import type { HttpRoute } from './http.types';

/** Writes raw bytes on a new socket and resolves with everything the server sent until close. */
function raw(port: number, text: string, waitMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (c) => (out += c.toString()));
    socket.on('error', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.write(text);
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close after ${waitMs} ms; got ${JSON.stringify(out)}`));
    }, waitMs).unref();
  });
}

const whoRoute: HttpRoute = {
  method: 'GET',
  path: '/who',
  public: true,
  handle(_req, res, ctx) {
    res.end(JSON.stringify({ authorized: ctx.authorized }));
  },
};

describe('HttpServer hardening (issue 11)', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    await server?.stop(100);
    server = undefined;
  });
  const start = async (
    over: Parameters<typeof testHttpConfig>[0] = {},
    options: ConstructorParameters<typeof HttpServer>[3] = {},
  ) => {
    server = new HttpServer(
      testHttpConfig(over),
      [echoRoute('GET', '/metrics'), whoRoute],
      undefined,
      options,
    );
    return (await server.start()).port;
  };

  it('without a token, answers only loopback Host names (DNS rebinding gets 421)', async () => {
    const port = await start();
    for (const host of [
      '127.0.0.1',
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      'localhost',
      `localhost:${port}`,
    ]) {
      expect((await send(port, '/metrics', { headers: { host } })).status).toBe(200);
    }
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      'localhost.evil.example',
      '[::2]',
    ]) {
      const res = await send(port, '/metrics', { headers: { host } });
      expect(res.status).toBe(421);
      expect(res.text).not.toContain('"route"');
    }
  });

  it('with a token, any Host may ask; public routes learn whether the token came', async () => {
    const token = 'a'.repeat(24);
    const port = await start({ token });
    expect((await send(port, '/who', { headers: { host: 'vitals.example' } })).json()).toEqual({
      authorized: false,
    });
    expect(
      (await send(port, '/who', { headers: { authorization: `Bearer ${token}` } })).json(),
    ).toEqual({ authorized: true });
    expect((await send(port, '/metrics', { headers: { host: 'vitals.example' } })).status).toBe(
      401,
    );
  });

  it('answers 431 to huge headers and 400 to garbage, and keeps serving', async () => {
    const port = await start();
    const huge = await raw(
      port,
      `GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'x'.repeat(64 * 1024)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431/);
    expect(await raw(port, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    for (const path of ['/%zz', '/../../etc/passwd', `/${'a'.repeat(8000)}`, '/metrics/%00']) {
      const res = await send(port, path);
      expect([400, 404]).toContain(res.status);
    }
    expect((await send(port, '/metrics')).status).toBe(200);
  });

  it('cuts off a slow client that never finishes its headers', async () => {
    const port = await start({}, { headersTimeoutMs: 500, requestTimeoutMs: 500 });
    const out = await raw(port, 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(out).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('caps concurrent connections and counts the ones it drops', async () => {
    const port = await start({ maxConnections: 5 });
    const sockets: Socket[] = [];
    try {
      const closed: Promise<void>[] = [];
      for (let i = 0; i < 12; i++) {
        const s = connect(port, '127.0.0.1');
        s.on('error', () => undefined);
        closed.push(new Promise((r) => s.once('close', () => r())));
        sockets.push(s);
        await new Promise((r) => s.once('connect', r));
      }
      // The 7 past the cap are closed by the server; the 5 within it stay open.
      await Promise.race([Promise.all(closed.slice(5)), new Promise((r) => setTimeout(r, 10_000))]);
      expect(sockets.slice(5).every((s) => s.destroyed)).toBe(true);
      expect(sockets.slice(0, 5).some((s) => s.destroyed)).toBe(false);
      expect(server!.droppedConnections).toBe(7);
    } finally {
      for (const s of sockets) s.destroy();
    }
    // Once the flood is gone the server serves again (it notices the closes asynchronously).
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await send(port, '/metrics').then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  }, 20_000);
});
