import { asInjectionToken, createHost } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { startupPlugin } from './startup.plugin';
import { READINESS } from './startup.tokens';

describe('health routes', () => {
  let host: HostHandle | undefined;
  afterEach(async () => {
    await host?.stop('test end');
    host = undefined;
  });

  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${host!.httpAddress()!.port}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers ready once the host runs, 503 while a task holds it, and lists failing checks', async () => {
    host = createHost({ plugins: [startupPlugin()], config: { http: { port: 0 } } });
    await host.start();
    expect(await get('/health/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
    const readiness = host.container.resolve(asInjectionToken(READINESS));
    readiness.hold('warm-up');
    expect(await get('/health/ready')).toMatchObject({
      status: 503,
      body: { status: 'starting', pending: ['warm-up'] },
    });
    readiness.release('warm-up');
    readiness.setPrestart([
      { check: 'fds', severity: 'critical', message: 'fd limit 64' },
      { check: 'ok', severity: 'ok', message: 'fine' },
    ]);
    expect(await get('/health/ready')).toMatchObject({
      status: 503,
      body: { status: 'failed', checks: [{ check: 'fds' }] },
    });
    readiness.markStopping();
    expect(await get('/health/ready')).toMatchObject({ status: 503, body: { status: 'stopping' } });
    expect(await get('/health/live')).toMatchObject({ status: 200, body: { status: 'up' } });
  });

  it('registers no routes when health is off', async () => {
    host = createHost({
      plugins: [startupPlugin({ health: false })],
      config: { http: { port: 0 } },
    });
    await host.start();
    expect(host.httpAddress()).toBeUndefined();
  });
});
