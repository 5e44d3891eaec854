import { asInjectionToken, createHost } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { startupPlugin } from './startup.plugin';
import { READINESS } from './startup.tokens';

// Issue 11: /health/ready was public even with a token and showed its findings (names of
// required environment variables). The status stays public; the details need the token.
describe('/health/ready with http.token', () => {
  const token = 'x'.repeat(32);
  let host: HostHandle | undefined;
  afterEach(async () => {
    await host?.stop('test end');
    host = undefined;
  });

  it('shows the status to everyone and the findings only with the token', async () => {
    host = createHost({ plugins: [startupPlugin()], config: { http: { port: 0, token } } });
    await host.start();
    host.container
      .resolve(asInjectionToken(READINESS))
      .setPrestart([{ check: 'env', severity: 'critical', message: 'SECRET_API_KEY is not set' }]);
    const url = `http://127.0.0.1:${host.httpAddress()!.port}/health/ready`;
    const anonymous = await fetch(url);
    const text = await anonymous.text();
    expect(anonymous.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ ready: false, status: 'failed' });
    expect(text).not.toContain('SECRET_API_KEY');
    expect(text).not.toContain('checks');
    const withToken = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(503);
    expect(await withToken.json()).toMatchObject({ checks: [{ check: 'env' }] });
  });
});
