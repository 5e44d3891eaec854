import { createHost } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { dashboardPlugin } from '@vitals/dashboard';
import { memoryPlugin } from '@vitals/memory';
import { monitorPlugin } from '@vitals/monitor';

// The host of the dashboard README example (examples/dashboard/live-page.ts, run by
// examples.e2e.spec.ts) on port 0 with a faster tick: the memory plugin's series reach History too.
describe('dashboard README example', () => {
  let host: HostHandle;

  afterEach(() => host.stop());

  it('serves the page and, after a collection, the monitor and memory series in /api/history', async () => {
    host = createHost({
      plugins: [monitorPlugin(), memoryPlugin(), dashboardPlugin()],
      config: { http: { port: 0 }, monitor: { intervalMs: 200 } },
      env: { NODE_ENV: 'test' },
    });
    await host.start();
    const base = `http://127.0.0.1:${host.httpAddress()!.port}`;
    const page = await fetch(`${base}/dashboard/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Vitals</title>');

    const series = ['process_resident_memory_bytes', 'vitals_nodejs_heap_size_limit_bytes'];
    const query = series.map((s) => `series=${s}`).join('&');
    let names: string[] = [];
    for (let i = 0; i < 100 && names.length < series.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const body = (await (await fetch(`${base}/api/history?${query}`)).json()) as {
        series: { name: string; points: unknown[] }[];
      };
      names = body.series.filter((s) => s.points.length > 0).map((s) => s.name);
    }
    expect(names.sort()).toEqual([...series].sort());
  });
});
