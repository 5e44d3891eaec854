import { request } from 'node:http';
import { COLLECTOR, createHost } from '@vitals/core';
import type { HostHandle, Plugin } from '@vitals/core';
import { prometheusPlugin } from './prometheus.plugin';
import { parseExposition } from './exposition.test-util';

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A plugin with one collector that counts how often it is asked, to prove a scrape never collects. */
function countingPlugin(): Plugin & { calls: number } {
  const plugin = {
    name: 'counting',
    calls: 0,
    register(container: import('tsyringe').DependencyContainer) {
      container.register(COLLECTOR, {
        useValue: {
          name: 'counting',
          descriptors: [
            {
              name: 'counting_calls_total',
              type: 'counter',
              unit: 'count',
              help: 'Collections "so far"',
            },
          ],
          collect: () => [
            { name: 'counting_calls_total', value: ++plugin.calls, labels: { path: 'a\\b' } },
          ],
        },
      });
    },
  };
  return plugin;
}

describe('prometheusPlugin', () => {
  let host: HostHandle | undefined;

  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('serves /metrics over real HTTP from the latest values, without collecting', async () => {
    const counting = countingPlugin();
    host = createHost({ plugins: [counting, prometheusPlugin()], config: { http: { port: 0 } } });
    await host.start();
    await host.collectOnce({ publish: true });
    host.descriptors.declare('test', {
      name: 'op_seconds',
      type: 'histogram',
      unit: 'seconds',
      help: 'Latency',
    });
    host.stream.publish({
      source: 'test',
      at: Date.now(),
      samples: [
        { name: 'op_seconds_bucket', value: 1, labels: { le: '0.5' } },
        { name: 'op_seconds_bucket', value: 2, labels: { le: '+Inf' } },
        { name: 'op_seconds_sum', value: 1.2 },
        { name: 'op_seconds_count', value: 2 },
      ],
    });
    const port = host.httpAddress()!.port;
    const first = await get(port, '/metrics');
    const second = await get(port, '/metrics');
    expect(first.status).toBe(200);
    expect(first.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const parsed = parseExposition(second.body);
    expect(parsed.type.get('counting_calls_total')).toBe('counter');
    expect(parsed.help.get('counting_calls_total')).toBe('Collections "so far"');
    expect(parsed.samples.find((s) => s.name === 'counting_calls_total')).toEqual({
      name: 'counting_calls_total',
      labels: { path: 'a\\b' },
      value: 1,
    });
    expect(counting.calls).toBe(1);
    expect(parsed.type.get('op_seconds')).toBe('histogram');
    expect(
      parsed.samples.filter((s) => s.name.startsWith('op_seconds')).map((s) => s.name),
    ).toEqual(['op_seconds_bucket', 'op_seconds_bucket', 'op_seconds_sum', 'op_seconds_count']);
  });

  it('takes its path from config and rejects a bad one in one line', async () => {
    host = createHost({
      plugins: [prometheusPlugin()],
      config: { http: { port: 0 }, prometheus: { path: '/prom' } },
    });
    await host.start();
    const res = await get(host.httpAddress()!.port, '/prom');
    expect(res.status).toBe(200);
    expect(() =>
      createHost({ plugins: [prometheusPlugin()], config: { prometheus: { path: 'metrics' } } }),
    ).toThrow(/prometheus\.path/);
  });
});
