import { History, ManualClock, METRICS } from '@vitals/core';
import { ExhaustionCollector } from './exhaustion.collector';
import { TrendAnalyzer, fitTrend } from './trend.analyzer';

const T0 = Date.UTC(2026, 0, 1);
const MiB = 1024 * 1024;

describe('TrendAnalyzer', () => {
  let history: History;
  let clock: ManualClock;

  beforeEach(() => {
    history = new History({ capacity: 4000, maxSeries: 100 });
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

describe('ExhaustionCollector', () => {
  let history: History;
  let clock: ManualClock;

  beforeEach(() => {
    history = new History({ capacity: 4000, maxSeries: 100 });
    clock = new ManualClock(T0);
  });

  it('projects when a filling disk reaches zero, and says +Inf for a steady one', () => {
    const full = { device: '/dev/sda1', mountpoint: '/data', fstype: 'ext4' };
    const steady = { device: '/dev/sdb1', mountpoint: '/', fstype: 'ext4' };
    // /data loses 1 GiB an hour with 10 GiB left after 30 minutes; / does not change.
    for (let i = 0; i <= 180; i++) {
      history.record({
        source: 'disk',
        at: clock.now(),
        samples: [
          { name: METRICS.fsAvailBytes, value: (10.5 - i / 360) * 1024 * MiB, labels: full },
          { name: METRICS.fsAvailBytes, value: 50 * 1024 * MiB, labels: steady },
        ],
      });
      if (i < 180) clock.advance(10_000);
    }
    const samples = new ExhaustionCollector(history, clock, { windowMs: 30 * 60_000 }).collect();
    const data = samples.find((s) => s.labels?.mountpoint === '/data')!;
    expect(data.labels).toEqual({ resource: 'disk', mountpoint: '/data' });
    expect(data.value / 3600).toBeCloseTo(10, 0);
    expect(samples.find((s) => s.labels?.mountpoint === '/')?.value).toBe(Infinity);
  });

  it('projects memory against the container limit when one is set, and waits for enough history', () => {
    const collector = new ExhaustionCollector(history, clock, { windowMs: 20 * 60_000, every: 1 });
    const GiB = 1024 * MiB;
    for (let i = 0; i < 5; i++) {
      history.record({
        source: 'm',
        at: clock.now(),
        samples: [{ name: METRICS.memAvailableBytes, value: 4 * GiB }],
      });
      clock.advance(60_000);
    }
    expect(collector.collect()).toEqual([]);
    // The container: 1 GiB limit, usage grows 50 MiB per minute from 200 MiB.
    for (let i = 0; i < 10; i++) {
      history.record({
        source: 'm',
        at: clock.now(),
        samples: [
          { name: METRICS.memTotalBytes, value: 8 * GiB },
          { name: METRICS.memAvailableBytes, value: 4 * GiB },
          { name: METRICS.cgroupMemoryLimitBytes, value: GiB },
          { name: METRICS.cgroupMemoryUsageBytes, value: 200 * MiB + i * 50 * MiB },
        ],
      });
      if (i < 9) clock.advance(60_000);
    }
    const memory = collector.collect().find((s) => s.labels?.resource === 'memory')!;
    // 650 MiB used of 1024: 374 MiB left at 50 MiB a minute (the host's 4 GiB free is not what counts).
    expect(memory.value).toBeCloseTo((374 / 50) * 60, 0);
  });
});
