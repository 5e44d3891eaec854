import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createHost } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { compressFor, negotiate } from './content.negotiation';
import { parseExposition } from './exposition.test-util';
import { prometheusPlugin } from './prometheus.plugin';

function get(
  port: number,
  headers: Record<string, string>,
): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Prometheus 2.42's scrape Accept header. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('metricsRoute', () => {
  let host: HostHandle | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  async function started(compression: 'auto' | 'gzip' | 'off' = 'gzip'): Promise<number> {
    host = createHost({
      plugins: [prometheusPlugin({ compression })],
      config: { http: { port: 0 } },
    });
    host.descriptors.declare('t', {
      name: 'jobs_done_total',
      type: 'counter',
      unit: 'count',
      help: 'Jobs "done"',
      labelNames: ['queue'],
    });
    host.alerts.addRule({ id: 'jobs-many', metric: 'jobs_done_total', op: '>', threshold: 5 });
    host.alerts.addRule({
      id: 'jobs-slow',
      metric: 'jobs_done_total',
      op: '>',
      threshold: 5,
      for: '1h',
      severity: 'critical',
    });
    await host.start();
    host.stream.publish({
      source: 't',
      at: Date.now(),
      samples: [{ name: 'jobs_done_total', value: 7, labels: { queue: 'a' } }],
    });
    return host.httpAddress()!.port;
  }

  it('writes the alert state as ALERTS and ALERTS_FOR_STATE, as Prometheus does', async () => {
    const port = await started();
    const parsed = parseExposition((await get(port, {})).body.toString('utf8'));
    const alerts = parsed.samples.filter((s) => s.name === 'ALERTS');
    expect(alerts).toEqual([
      {
        name: 'ALERTS',
        labels: { alertname: 'jobs-many', alertstate: 'firing', queue: 'a', severity: 'warning' },
        value: 1,
      },
      {
        name: 'ALERTS',
        labels: { alertname: 'jobs-slow', alertstate: 'pending', queue: 'a', severity: 'critical' },
        value: 1,
      },
    ]);
    const forState = parsed.samples.find(
      (s) => s.name === 'ALERTS_FOR_STATE' && s.labels.alertname === 'jobs-many',
    );
    expect(forState?.labels).toEqual({ alertname: 'jobs-many', queue: 'a', severity: 'warning' });
    expect(Math.abs(forState!.value - Date.now() / 1000)).toBeLessThan(60);
  });

  it('gzips when asked and writes OpenMetrics for Prometheus’ Accept header', async () => {
    const port = await started();
    const plain = await get(port, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await get(port, { 'accept-encoding': 'gzip, deflate' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept, Accept-Encoding');
    expect(gunzipSync(zipped.body).toString('utf8')).toBe(plain.body.toString('utf8'));
    const om = await get(port, { accept: PROMETHEUS_ACCEPT });
    expect(om.headers['content-type']).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const text = om.body.toString('utf8');
    // A counter family is named without _total; samples keep it; HELP escapes the quote.
    expect(text).toContain('# TYPE jobs_done counter\n');
    expect(text).toContain('# HELP jobs_done Jobs \\"done\\"\n');
    expect(text).toContain('jobs_done_total{queue="a"} 7\n');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('does not gzip for a scraper on loopback by default, unless it refuses an uncompressed body', async () => {
    const port = await started('auto');
    const local = await get(port, { 'accept-encoding': 'gzip' });
    expect(local.headers['content-encoding']).toBeUndefined();
    expect(local.body.toString('utf8')).toContain('jobs_done_total{queue="a"} 7\n');
    const strict = await get(port, { 'accept-encoding': 'gzip, identity;q=0' });
    expect(strict.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(strict.body).toString('utf8')).toContain('jobs_done_total{queue="a"} 7\n');
  });

  it('decides compression from the mode, what the scraper accepts and where it is', () => {
    const gz = negotiate({ 'accept-encoding': 'gzip' });
    const none = negotiate({});
    const onlyGzip = negotiate({ 'accept-encoding': 'gzip, identity;q=0' });
    expect(compressFor('auto', gz, '127.0.0.1')).toBe(false);
    expect(compressFor('auto', gz, '::1')).toBe(false);
    expect(compressFor('auto', gz, '::ffff:127.0.0.1')).toBe(false);
    expect(compressFor('auto', gz, '10.1.2.3')).toBe(true);
    expect(compressFor('auto', gz, '::ffff:10.1.2.3')).toBe(true);
    expect(compressFor('auto', gz, undefined)).toBe(true);
    expect(compressFor('gzip', gz, '127.0.0.1')).toBe(true);
    expect(compressFor('off', gz, '10.1.2.3')).toBe(false);
    expect(compressFor('off', onlyGzip, '127.0.0.1')).toBe(true);
    expect(compressFor('gzip', none, '10.1.2.3')).toBe(false);
  });

  it('rejects an unknown compression mode in config', () => {
    expect(() =>
      createHost({
        plugins: [prometheusPlugin({ compression: 'brotli' as 'gzip' })],
        config: { http: { port: 0 } },
      }),
    ).toThrow(/compression must be "auto", "gzip" or "off"/);
  });

  it('negotiates by q-values', () => {
    expect(negotiate({})).toEqual({ openMetrics: false, gzip: false, identity: true });
    expect(negotiate({ accept: PROMETHEUS_ACCEPT, 'accept-encoding': 'gzip' })).toEqual({
      openMetrics: true,
      gzip: true,
      identity: true,
    });
    expect(
      negotiate({
        accept: 'text/plain;q=1, application/openmetrics-text;q=0.5',
        'accept-encoding': 'gzip;q=0, *',
      }),
    ).toEqual({ openMetrics: false, gzip: false, identity: true });
    expect(negotiate({ 'accept-encoding': 'br, *;q=0.1' }).gzip).toBe(true);
    expect(negotiate({ 'accept-encoding': 'gzip, *;q=0' }).identity).toBe(false);
    expect(negotiate({ 'accept-encoding': 'gzip, identity;q=0.5, *;q=0' }).identity).toBe(true);
  });
});
