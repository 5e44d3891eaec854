import { HTTP_ROUTE, createHost } from '@vitals/core';
import type { HttpRoute } from '@vitals/core';
import { dashboardPlugin } from './dashboard.plugin';

describe('dashboardPlugin', () => {
  it('registers its routes, starts and stops in a host', async () => {
    const host = createHost({
      plugins: [dashboardPlugin({ path: '/vitals' })],
      config: { http: { port: 0 } },
    });
    const paths = host.resolveAll<HttpRoute>(HTTP_ROUTE as symbol).map((r) => r.path);
    expect(paths.sort()).toEqual([
      '/api/history',
      '/api/snapshot',
      '/events',
      '/vitals',
      '/vitals/*',
    ]);
    await host.start();
    expect(host.plugins).toContain('dashboard');
    const res = await fetch(`http://127.0.0.1:${host.httpAddress()!.port}/vitals/`);
    expect(res.status).toBe(200);
    await host.stop();
  });

  it('refuses a bad config section with the path and the range', () => {
    expect(() =>
      createHost({ plugins: [dashboardPlugin()], config: { dashboard: { intervalMs: '10ms' } } }),
    ).toThrow(/dashboard\.intervalMs.*between 100 ms and 60 s/);
    expect(() =>
      createHost({ plugins: [dashboardPlugin()], config: { dashboard: { path: '/a/b' } } }),
    ).toThrow(/dashboard\.path/);
  });
});
