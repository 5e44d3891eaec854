import { CHART_SERIES } from '../server/dashboard.series';
import { CHART_METRICS, CHARTS } from './charts.def';
import { SeriesStore, differenceLine, quantileLines, rateLines } from './series.store';

describe('SeriesStore and the chart derivations', () => {
  it('streams every metric the charts read', () => {
    for (const name of CHART_METRICS) expect(CHART_SERIES).toContain(name);
  });

  it('keeps the host apart from services and bounds each series', () => {
    const store = new SeriesStore(1000, 3);
    for (let i = 0; i < 5; i++) {
      store.add('m', {}, i * 1000, i);
      store.add('m', { service: 'api' }, i * 1000 + 4, 10 + i); // rounded onto the same tick
    }
    expect([...store.find('m', '')[0].points.entries()]).toEqual([
      [2000, 2],
      [3000, 3],
      [4000, 4],
    ]);
    expect([...store.find('m', 'api')[0].points.keys()]).toEqual([2000, 3000, 4000]);
    expect(store.services()).toEqual(['api']);
  });

  it('derives rates (skipping counter resets) and differences', () => {
    const store = new SeriesStore(1000);
    [0, 100, 300, 50].forEach((v, i) => store.add('c_total', { device: 'eth0' }, i * 1000, v));
    const [line] = rateLines(store, 'c_total', '', 'in');
    expect(line.label).toBe('in eth0');
    expect([...line.points.entries()]).toEqual([
      [1000, 100],
      [2000, 200],
    ]);
    store.add('total', {}, 0, 10);
    store.add('avail', {}, 0, 4);
    expect([...differenceLine(store, 'total', 'avail', '', 'used')[0].points.values()]).toEqual([
      6,
    ]);
  });

  it('computes p50/p99 per operation from the buckets over a sliding window', () => {
    const store = new SeriesStore(1000);
    const put = (t: number, le: string, v: number) =>
      store.add('h_bucket', { operation: 'order.submit', le }, t, v);
    // t=0: nothing yet; t=1 s: 10 calls ≤ 0.1 s; t=2 s: 10 more calls between 0.1 and 1 s.
    for (const [t, a, b] of [
      [0, 0, 0],
      [1000, 10, 10],
      [2000, 10, 20],
    ]) {
      put(t, '0.1', a);
      put(t, '1', b);
      put(t, '+Inf', b);
    }
    const [p50, p99] = quantileLines(store, 'h_bucket', '', [0.5, 0.99], 1000, 1000);
    expect(p50.label).toBe('order.submit p50');
    expect(p50.points.get(1000)).toBeCloseTo(50); // ms
    expect(p50.points.get(2000)).toBeCloseTo(550); // only the window's 10 slow calls
    expect(p99.points.get(2000)).toBeCloseTo(991);
  });

  it('gives every chart an empty set of lines on an empty store', () => {
    const store = new SeriesStore(1000);
    for (const chart of CHARTS) expect(chart.lines(store, '')).toEqual([]);
  });
});
