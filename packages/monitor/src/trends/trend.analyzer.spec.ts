import { History, ManualClock, METRICS } from '@vitals/core';
import { TrendAnalyzer, fitTrend } from './trend.analyzer';

const T0 = Date.UTC(2026, 0, 1);
const MiB = 1024 * 1024;

describe('TrendAnalyzer', () => {
  let history: History;
  let clock: ManualClock;

  beforeEach(() => {
    history = new History({ capacity: 4000, maxSeries: 100 });
    history.watch('*');
    clock = new ManualClock(T0);
  });

  /** Records `value(i)` for `name` every `stepMs`, `n` times, moving the clock along. */
  function feed(
    name: string,
    n: number,
    stepMs: number,
    value: (i: number) => number,
    labels?: Record<string, string>,
  ): void {
    for (let i = 0; i < n; i++) {
      history.record({
        source: 't',
        at: clock.now(),
        samples: [{ name, value: value(i), labels }],
      });
      clock.advance(stepMs);
    }
  }

  it('fits a least-squares slope and moving average over the window', () => {
    // RSS grows 1 MiB a minute, with ±0.25 MiB of noise; one point every 10 s for 20 minutes.
    feed(
      METRICS.processRssBytes,
      120,
      10_000,
      (i) => 100 * MiB + (i * MiB) / 6 + (i % 2 ? 0.25 : -0.25) * MiB,
    );
    const t = new TrendAnalyzer(history, clock).trend(METRICS.processRssBytes, '10m');
    expect(t.points).toBe(60);
    expect(t.slopePerHour / MiB).toBeCloseTo(60, 0);
    expect(t.mean / MiB).toBeCloseTo(100 + 89.5 / 6, 0);
    // 2 GiB at 60 MiB/h from ~120 MiB: about 32 hours.
    expect(t.timeTo(2048 * MiB) / 3_600_000).toBeCloseTo((2048 - t.latest / MiB) / 60, 0);
    expect(t.timeTo(0)).toBe(Infinity);
  });

  it('says how well the line explains the data (R²): 1 for a line, low for a step', () => {
    const line = Array.from({ length: 60 }, (_, i) => ({ at: i * 60_000, value: 1e10 - i * 1e7 }));
    expect(fitTrend(line).r2).toBeCloseTo(1, 6);
    // 1.5 GB taken at once at minute 20 and kept: a slope, but no trend.
    const step = Array.from({ length: 60 }, (_, i) => ({
      at: i * 60_000,
      value: 24e9 - (i >= 20 ? 1.5e9 : 0) + (i % 3) * 1e7,
    }));
    const fit = fitTrend(step);
    expect(fit.slopePerSecond).toBeLessThan(0);
    expect(fit.r2).toBeLessThan(0.8);
    expect(fitTrend([{ at: 0, value: 5 }]).r2).toBeNaN();
  });

  it('has History record what it watches, and an unwatched metric from its first trend()', () => {
    const only = new History({ capacity: 100, maxSeries: 10 });
    const analyzer = new TrendAnalyzer(only, clock);
    analyzer.watch(METRICS.processRssBytes);
    const tick = (value: number) => {
      only.record({
        source: 't',
        at: clock.now(),
        samples: [
          { name: METRICS.processRssBytes, value },
          { name: METRICS.heapUsedBytes, value },
        ],
      });
      clock.advance(10_000);
    };
    for (let i = 0; i < 5; i++) tick(i * MiB);
    expect(analyzer.trend(METRICS.processRssBytes, '10m').points).toBe(5);
    expect(analyzer.trend(METRICS.heapUsedBytes, '10m').points).toBe(0);
    for (let i = 5; i < 8; i++) tick(i * MiB);
    expect(analyzer.trend(METRICS.heapUsedBytes, '10m').points).toBe(3);
  });

  it('gives NaN without enough points and rejects a bad window in one line', () => {
    const analyzer = new TrendAnalyzer(history, clock);
    expect(analyzer.trend('missing', '5m').slopePerSecond).toBeNaN();
    expect(() => analyzer.trend('x', 'soon')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(
      fitTrend([
        { at: 0, value: 1 },
        { at: 1000, value: 3 },
      ]).slopePerSecond,
    ).toBe(2);
  });
});
