import { HTTP_ROUTE } from '../core.tokens';
import { createHost } from '../host/create-host';
import type { HostHandle } from '../host/host.types';
import { ManualClock } from '../util/clock';
import { goExponent } from './alerts.route';

describe('alertsRoute', () => {
  let host: HostHandle | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it("serves firing and pending alerts at GET /api/alerts in Prometheus' /api/v1/alerts shape", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    host = createHost({
      clock,
      config: { http: { port: 0 } },
      plugins: [
        {
          name: 'web',
          register: (c) =>
            c.register(HTTP_ROUTE, {
              useValue: {
                method: 'GET',
                path: '/hello',
                handle: (_q: unknown, r: { end(t: string): void }) => r.end('hi'),
              },
            }),
        },
      ],
    });
    host.alerts.addRule({
      id: 'disk-used',
      metric: 'vitals_filesystem_used_ratio',
      op: '>',
      threshold: 0.85,
      severity: 'critical',
      summary: 'Disk above 85 %',
    });
    host.alerts.addRule({
      id: 'heap-high',
      metric: 'nodejs_heap_size_used_bytes',
      op: '>',
      threshold: 100,
      for: '1m',
    });
    await host.start();
    host.stream.publish({
      source: 't',
      at: clock.now(),
      samples: [
        { name: 'vitals_filesystem_used_ratio', value: 0.91, labels: { mountpoint: '/' } },
        { name: 'nodejs_heap_size_used_bytes', value: 500 },
      ],
    });
    const res = await fetch(`http://127.0.0.1:${host.httpAddress()!.port}/api/alerts`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      data: { alerts: { labels: Record<string, string>; state: string }[] };
    };
    expect(body.status).toBe('success');
    expect(body.data.alerts).toEqual([
      {
        labels: { mountpoint: '/', alertname: 'disk-used', severity: 'critical' },
        annotations: {
          summary: 'Disk above 85 %',
          description: expect.stringContaining('0.91'),
        },
        state: 'firing',
        activeAt: new Date(1_700_000_000_000).toISOString(),
        value: '9.1e-01',
      },
      {
        labels: { alertname: 'heap-high', severity: 'warning' },
        annotations: { summary: 'heap-high', description: expect.any(String) },
        state: 'pending',
        activeAt: new Date(1_700_000_000_000).toISOString(),
        value: '5e+02',
      },
    ]);
  });

  it('writes values as Go does', () => {
    expect(goExponent(0.85)).toBe('8.5e-01');
    expect(goExponent(1234.5)).toBe('1.2345e+03');
    expect(goExponent(1e-100)).toBe('1e-100');
    expect(goExponent(Infinity)).toBe('+Inf');
  });
});
