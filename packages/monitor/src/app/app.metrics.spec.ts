import { METRICS } from '@vitals/core';
import type { MetricDescriptor, Sample } from '@vitals/core';
import { MONITOR_METRICS } from '../monitor.metrics';
import { AppMetrics } from './app.metrics';

const find = (
  samples: Sample[],
  name: string,
  labels: Record<string, string>,
): number | undefined =>
  samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels?.[k] === v),
  )?.value;

describe('AppMetrics', () => {
  it('times sync, async and failing operations into histograms with percentiles', async () => {
    const app = new AppMetrics([0.001, 0.01, 0.1]);
    expect(app.track('sum', () => 1 + 1)).toBe(2);
    await expect(
      app.track('fetch', () => new Promise((resolve) => setImmediate(() => resolve('ok')))),
    ).resolves.toBe('ok');
    expect(() =>
      app.track('fail', () => {
        throw new Error('nope');
      }),
    ).toThrow('nope');
    await expect(
      app.track('reject', async () => Promise.reject(new Error('later'))),
    ).rejects.toThrow('later');
    const end = app.timer('manual', { venue: 'x' });
    const seconds = end();
    expect(end()).toBeGreaterThanOrEqual(seconds); // a second call records nothing more
    const samples = app.collect();
    for (const op of ['sum', 'fetch', 'fail', 'reject']) {
      expect(find(samples, `${METRICS.operationDuration}_count`, { operation: op })).toBe(1);
    }
    expect(
      find(samples, `${METRICS.operationDuration}_count`, { operation: 'manual', venue: 'x' }),
    ).toBe(1);
    expect(
      find(samples, `${METRICS.operationDuration}_bucket`, { operation: 'sum', le: '+Inf' }),
    ).toBe(1);
    expect(
      samples.filter(
        (s) => s.name === `${METRICS.operationDuration}_bucket` && s.labels?.operation === 'sum',
      ),
    ).toHaveLength(4);
    expect(find(samples, MONITOR_METRICS.operationP99, { operation: 'fetch' })).toBeGreaterThan(0);
    expect(find(samples, MONITOR_METRICS.operationMax, { operation: 'fetch' })).toBeGreaterThan(0);
    // The window max covers one tick; the histogram keeps counting.
    const next = app.collect();
    expect(find(next, MONITOR_METRICS.operationMax, { operation: 'fetch' })).toBe(0);
    expect(find(next, `${METRICS.operationDuration}_count`, { operation: 'fetch' })).toBe(1);
  });

  it('keeps counters and gauges, declares them once, and rejects bad input in one line', () => {
    const declared: MetricDescriptor[] = [];
    const app = new AppMetrics(undefined, (d) => declared.push(d));
    app.counter('orders_placed_total', { side: 'buy' }).inc();
    app.counter('orders_placed_total', { side: 'buy' }).inc(2);
    app.counter('orders_placed_total', { side: 'sell' }).inc();
    const depth = app.gauge('queue_depth');
    depth.set(10);
    depth.dec(3);
    depth.inc();
    const samples = app.collect();
    expect(find(samples, 'orders_placed_total', { side: 'buy' })).toBe(3);
    expect(find(samples, 'orders_placed_total', { side: 'sell' })).toBe(1);
    expect(find(samples, 'queue_depth', {})).toBe(8);
    expect(declared.map((d) => [d.name, d.type])).toEqual([
      ['orders_placed_total', 'counter'],
      ['queue_depth', 'gauge'],
    ]);
    expect(app.descriptors.map((d) => d.name)).toContain('queue_depth');
    expect(() => app.counter('orders placed')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => app.counter('orders_placed_total', { side: 'buy' }).inc(-1)).toThrow(
      /can only go up/,
    );
    expect(() => app.timer('')).toThrow(/operation name/);
  });
});
