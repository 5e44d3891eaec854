import { DEFAULT_LATENCY_BUCKETS_SECONDS, Histogram } from './histogram';

describe('Histogram', () => {
  it('counts each value in the first bucket whose bound is ≥ it, cumulatively when read', () => {
    const h = new Histogram([1, 2, 5]);
    for (const v of [0.5, 1, 1.5, 2, 4, 7, -3]) h.observe(v);
    expect(h.snapshot().buckets).toEqual([
      { le: 1, count: 3 },
      { le: 2, count: 5 },
      { le: 5, count: 6 },
      { le: Infinity, count: 7 },
    ]);
  });

  it('uses prom-client default latency buckets by default', () => {
    const h = new Histogram();
    expect(h.snapshot().buckets.map((b) => b.le)).toEqual([
      ...DEFAULT_LATENCY_BUCKETS_SECONDS,
      Infinity,
    ]);
  });

  it('tracks count, sum, min, max and mean', () => {
    const h = new Histogram([1]);
    for (const v of [3, 1, 2]) h.observe(v);
    expect(h.count).toBe(3);
    expect(h.sum).toBe(6);
    expect(h.snapshot()).toMatchObject({ count: 3, sum: 6, min: 1, max: 3, mean: 2 });
  });

  it('gives exact nearest-rank percentiles', () => {
    const h = new Histogram();
    // Shuffled 1..100, so the reservoir is not already sorted.
    for (let i = 0; i < 100; i++) h.observe(((i * 37) % 100) + 1);
    expect(h.percentile(0.5)).toBe(50);
    expect(h.percentile(0.9)).toBe(90);
    expect(h.percentile(0.99)).toBe(99);
    expect(h.percentile(1)).toBe(100);
    expect(h.percentile(0)).toBe(1);
    expect(h.snapshot()).toMatchObject({ p50: 50, p90: 90, p95: 95, p99: 99 });
  });

  it('computes percentiles over the most recent observations only', () => {
    const h = new Histogram([1], 10);
    for (let v = 1; v <= 100; v++) h.observe(v);
    expect(h.percentile(0)).toBe(91);
    expect(h.percentile(1)).toBe(100);
    // Counts and extremes still cover everything.
    expect(h.snapshot()).toMatchObject({ count: 100, min: 1, max: 100 });
  });

  it('reports NaN when empty and after reset', () => {
    const h = new Histogram();
    expect(h.percentile(0.5)).toBeNaN();
    h.observe(0.2);
    h.reset();
    const snap = h.snapshot();
    expect(snap.count).toBe(0);
    expect(snap.sum).toBe(0);
    expect(snap.min).toBeNaN();
    expect(snap.p99).toBeNaN();
    expect(snap.buckets.every((b) => b.count === 0)).toBe(true);
  });

  it('ignores NaN and infinite values', () => {
    const h = new Histogram();
    h.observe(NaN);
    h.observe(Infinity);
    h.observe(0.1);
    expect(h.count).toBe(1);
    expect(h.sum).toBe(0.1);
  });

  it('exports Prometheus samples: cumulative _bucket with le, _sum and _count', () => {
    const h = new Histogram([0.005, 0.5]);
    for (const v of [0.001, 0.2, 0.3, 9]) h.observe(v);
    expect(h.toSamples('op_seconds', { op: 'submit' })).toEqual([
      { name: 'op_seconds_bucket', value: 1, labels: { op: 'submit', le: '0.005' } },
      { name: 'op_seconds_bucket', value: 3, labels: { op: 'submit', le: '0.5' } },
      { name: 'op_seconds_bucket', value: 4, labels: { op: 'submit', le: '+Inf' } },
      { name: 'op_seconds_sum', value: h.sum, labels: { op: 'submit' } },
      { name: 'op_seconds_count', value: 4, labels: { op: 'submit' } },
    ]);
    expect(h.sum).toBeCloseTo(9.501, 9);
    expect(new Histogram([1]).toSamples('x').map((s) => [s.name, s.labels])).toEqual([
      ['x_bucket', { le: '1' }],
      ['x_bucket', { le: '+Inf' }],
      ['x_sum', undefined],
      ['x_count', undefined],
    ]);
  });

  it('rejects bad buckets, reservoir sizes and percentiles with one-line errors', () => {
    const oneLine = (re: RegExp) =>
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(re) });
    expect(() => new Histogram([1, 1])).toThrow(oneLine(/^histogram buckets[^\n]*increasing/));
    expect(() => new Histogram([1, Infinity])).toThrow(oneLine(/^histogram buckets[^\n]*$/));
    expect(() => new Histogram([])).toThrow(oneLine(/^histogram buckets[^\n]*$/));
    expect(() => new Histogram([1], 0)).toThrow(oneLine(/^histogram reservoirSize[^\n]*$/));
    expect(() => new Histogram().percentile(99)).toThrow(oneLine(/^percentile\(\)[^\n]*0\.99/));
  });
});
