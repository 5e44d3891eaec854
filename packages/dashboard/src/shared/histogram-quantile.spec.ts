import { histogramQuantile, parseLe } from './histogram-quantile';

describe('histogramQuantile', () => {
  const buckets = [
    { le: 0.1, count: 2 },
    { le: 0.5, count: 6 },
    { le: 1, count: 10 },
    { le: Infinity, count: 10 },
  ];

  it('interpolates inside the bucket the rank falls in, as Prometheus does', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.4); // rank 5: 0.1 + 0.4 × 3/4
    expect(histogramQuantile(0.1, buckets)).toBeCloseTo(0.05); // rank 1 in the first bucket, from 0
    expect(histogramQuantile(1, buckets)).toBeCloseTo(1);
  });

  it('answers the highest finite bound for a rank in +Inf, and NaN without observations', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Infinity, count: 5 },
      ]),
    ).toBe(1);
    expect(
      histogramQuantile(0.5, [
        { le: 1, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNaN();
    expect(histogramQuantile(0.5, [])).toBeNaN();
    expect(histogramQuantile(1.5, buckets)).toBeNaN();
  });

  it('takes buckets in any order', () => {
    expect(histogramQuantile(0.5, [...buckets].reverse())).toBeCloseTo(0.4);
  });

  it('parses le labels', () => {
    expect(parseLe('+Inf')).toBe(Infinity);
    expect(parseLe('0.005')).toBe(0.005);
    expect(parseLe('abc')).toBeNaN();
    expect(parseLe(undefined)).toBeNaN();
  });
});
