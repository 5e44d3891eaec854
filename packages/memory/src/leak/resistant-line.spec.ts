import { resistantSlope } from './resistant-line';
import { theilSen } from './theil-sen';

describe('resistantSlope', () => {
  it('sees the rise of a staircase that Theil–Sen calls flat (a step of 4 MB 12 s before the end of 45 s, points every 3 s)', () => {
    const xs = Array.from({ length: 16 }, (_, i) => i * 3);
    const ys = xs.map((x) => (x >= 33 ? 4 : 0));
    expect(theilSen(xs, ys).slope).toBe(0);
    // Left third (x 0–12) at 0, right third (x 33–45) at 4: 4 / 33.
    expect(resistantSlope(xs, ys)).toBeCloseTo(4 / 33, 6);
  });

  it('is 0 on a plateau, even with a minority of outliers in each third', () => {
    const xs = Array.from({ length: 12 }, (_, i) => i);
    const ys = [5, 5, 9, 5, 5, 5, 1, 5, 5, 5, 9, 5];
    expect(resistantSlope(xs, ys)).toBe(0);
  });

  it('gives the slope of a straight line, the slope of two points, and 0 for one point or no spread in x', () => {
    expect(resistantSlope([0, 1, 2, 3, 4, 5], [1, 3, 5, 7, 9, 11])).toBeCloseTo(2, 9);
    expect(resistantSlope([0, 2], [0, 5])).toBe(2.5);
    expect(resistantSlope([1], [5])).toBe(0);
    expect(resistantSlope([2, 2, 2], [0, 1, 2])).toBe(0);
  });
});
