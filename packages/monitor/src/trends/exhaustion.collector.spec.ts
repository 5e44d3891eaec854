import {
  AlertEngine,
  DEFAULT_THRESHOLDS,
  History,
  ManualClock,
  METRICS,
  MetricStream,
} from '@vitals/core';
import type { AlertEvent, Sample } from '@vitals/core';
import { defaultAlertRules } from '../alerts/default.rules';
import { MONITOR_METRICS } from '../monitor.metrics';
import { monitorConfigSchema } from '../monitor.options';
import { ExhaustionCollector } from './exhaustion.collector';
import { projectExhaustion } from './exhaustion.projection';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const HOUR = 3_600_000;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const GB = 1e9;

/** Deterministic noise in [-1, 1] (a linear congruential generator): replays are repeatable. */
function noise(seed = 7): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return (x / 2 ** 31) * 2 - 1;
  };
}

/**
 * The monitor's pipeline for the memory figures, on a virtual clock: every `stepMs` the machine's
 * memory is published (as the memory collector does), the history records it, the exhaustion
 * collector runs (projecting every 10th time) and the default rules judge what it publishes.
 */
function replay(options: {
  stepMs: number;
  durationMs: number;
  sample: (t: number) => Sample[];
  onTick?: (t: number, latest: (name: string) => number | undefined) => void;
}) {
  const clock = new ManualClock(T0);
  const stream = new MetricStream();
  const history = new History({ capacity: 900, maxSeries: 100 });
  history.attach(stream.batches$);
  const engine = new AlertEngine(stream);
  for (const rule of defaultAlertRules(DEFAULT_THRESHOLDS, monitorConfigSchema.parse({})))
    engine.addRule(rule);
  const events: (AlertEvent & { t: number })[] = [];
  engine.alerts$.subscribe((e) => events.push({ ...e, t: e.at - T0 }));
  engine.attach(stream.batches$);
  const collector = new ExhaustionCollector(history, clock);
  for (let t = 0; t <= options.durationMs; t += options.stepMs) {
    stream.publish({ source: 'system.memory', at: clock.now(), samples: options.sample(t) });
    const projected = collector.collect();
    if (projected.length > 0)
      stream.publish({ source: 'monitor.exhaustion', at: clock.now(), samples: projected });
    options.onTick?.(
      t,
      (name) => stream.latestValue(name, { resource: 'memory', mountpoint: '' })?.value,
    );
    clock.advance(options.stepMs);
  }
  stream.close();
  return events;
}

/** What the memory collector publishes for a machine with `available` of `total` bytes. */
const machine = (total: number, available: number): Sample[] => [
  { name: METRICS.memTotalBytes, value: total },
  { name: METRICS.memAvailableBytes, value: available },
  { name: METRICS.memoryUsedRatio, value: (total - available) / total },
];

describe('projectExhaustion', () => {
  const policy = {
    minWindowMs: 30 * MIN,
    maxWindowMs: 12 * HOUR,
    horizonPerWindow: 4,
    minFit: 0.8,
    minPoints: 10,
  };
  const line = (minutes: number, start: number, perMinute: number) =>
    Array.from({ length: minutes + 1 }, (_, i) => ({
      at: T0 + i * MIN,
      value: start - i * perMinute,
    }));

  it('projects nothing from less than the shortest window', () => {
    expect(projectExhaustion(line(20, 10 * GiB, 100 * MiB), T0 + 20 * MIN, policy)).toBeUndefined();
  });

  it('lets the window grow with the horizon: 30 min of data project at most 2 h ahead', () => {
    // 10 GiB left at 1 GiB/h: 10 h away, too far for 30 or 60 min of data …
    const slow = line(60, 11 * GiB, GiB / 60);
    expect(projectExhaustion(slow, T0 + 60 * MIN, policy)).toBeNull();
    // … but 1 GiB left at the same rate, seen for 30 min, is an hour away: credible.
    const near = line(30, 1.5 * GiB, GiB / 60);
    const p = projectExhaustion(near, T0 + 30 * MIN, policy)!;
    expect(p.seconds / 3600).toBeCloseTo(1, 1);
    expect(p.windowMs).toBe(30 * MIN);
  });

  it('needs a fit that explains the data: a step is not a trend', () => {
    const step = Array.from({ length: 120 }, (_, i) => ({
      at: T0 + i * MIN,
      value: (i < 60 ? 24 : 22.5) * GB + (i % 2) * 10e6,
    }));
    expect(projectExhaustion(step, T0 + 119 * MIN, policy)).toBeNull();
  });
});

describe('ExhaustionCollector', () => {
  it('projects a filling disk once the data covers a quarter of the horizon, +Inf for a steady one', () => {
    const clock = new ManualClock(T0);
    const history = new History({ capacity: 900, maxSeries: 100 });
    const collector = new ExhaustionCollector(history, clock, { every: 1 });
    const data = { device: '/dev/sdb1', mountpoint: '/data', fstype: 'ext4' };
    const root = { device: '/dev/sda1', mountpoint: '/', fstype: 'ext4' };
    let last: Sample[] = [];
    // /data loses 1 GiB an hour from 12 GiB of 50; / does not move. One point a minute, 4 hours.
    for (let m = 0; m <= 240; m++) {
      history.record({
        source: 'disk',
        at: clock.now(),
        samples: [
          { name: METRICS.fsAvailBytes, value: 12 * GiB - (m / 60) * GiB, labels: data },
          { name: METRICS.fsSizeBytes, value: 50 * GiB, labels: data },
          { name: METRICS.fsAvailBytes, value: 30 * GiB, labels: root },
          { name: METRICS.fsSizeBytes, value: 50 * GiB, labels: root },
        ],
      });
      last = collector.collect();
      const at60 = last.find(
        (s) => s.name === MONITOR_METRICS.timeToExhaustion && s.labels?.mountpoint === '/data',
      );
      // After an hour, 11 h are left: far beyond 4 × 1 h of data, so no projection yet.
      if (m === 60) expect(at60?.value).toBe(Infinity);
      clock.advance(MIN);
    }
    const value = (name: string, mountpoint: string) =>
      last.find((s) => s.name === name && s.labels?.mountpoint === mountpoint)?.value;
    // After 4 h: 8 GiB left at 1 GiB/h.
    expect(value(MONITOR_METRICS.timeToExhaustion, '/data')! / 3600).toBeCloseTo(8, 0);
    // 16 % free, and 4 h watched < 8 h left: not confirmed, nothing pages.
    expect(value(MONITOR_METRICS.timeToExhaustionConfirmed, '/data')).toBe(Infinity);
    expect(value(MONITOR_METRICS.timeToExhaustion, '/')).toBe(Infinity);
  });

  it("projects a container's headroom from its working set, not its page cache", () => {
    const clock = new ManualClock(T0);
    const history = new History({ capacity: 900, maxSeries: 100 });
    const collector = new ExhaustionCollector(history, clock, { every: 1 });
    let last: Sample[] = [];
    // 1 GiB limit; the working set grows 2 MiB a minute from 300 MiB, the page cache 20 MiB a minute.
    for (let m = 0; m <= 120; m++) {
      history.record({
        source: 'm',
        at: clock.now(),
        samples: [
          { name: METRICS.memTotalBytes, value: 32 * GiB },
          { name: METRICS.memAvailableBytes, value: 30 * GiB },
          { name: METRICS.cgroupMemoryLimitBytes, value: GiB },
          { name: METRICS.cgroupMemoryWorkingSetBytes, value: 300 * MiB + m * 2 * MiB },
          { name: METRICS.cgroupMemoryUsageBytes, value: 300 * MiB + m * 22 * MiB },
        ],
      });
      last = collector.collect();
      clock.advance(MIN);
    }
    const memory = last.find((s) => s.name === MONITOR_METRICS.timeToExhaustion)!;
    // 1024 − 540 = 484 MiB left at 2 MiB a minute: about 4 hours.
    expect(memory.labels).toEqual({ resource: 'memory', mountpoint: '' });
    expect(memory.value / 60).toBeCloseTo(242, -1);
  });

  it('raises no critical alert on a healthy busy machine: npm ci, a build, a test run (issue 11 replay)', () => {
    const total = 25.3 * GB;
    const jitter = noise();
    const available = (t: number): number => {
      const m = t / MIN;
      let a = 24.6 * GB + jitter() * 50e6;
      // npm ci: 0.8 GB taken over 5.5 min from minute 2, held (23.8 of 25.3 GB available), freed at 25.
      if (m >= 2 && m < 25) a -= 0.8 * GB * Math.min(1, (m - 2) / 5.5);
      // A build: the linker takes up to 2 GB every 4 minutes, minutes 30–50.
      if (m >= 30 && m < 50) a -= 2 * GB * (((m - 30) % 4) / 4);
      // A test run: workers grow steadily by 1.5 GB over an hour, then exit.
      if (m >= 60 && m < 120) a -= 1.5 * GB * ((m - 60) / 60);
      // Another npm ci, minutes 130–150.
      if (m >= 130 && m < 150) a -= 0.8 * GB * Math.min(1, (m - 130) / 5.5);
      return a;
    };
    const events = replay({
      stepMs: 5_000,
      durationMs: 3 * HOUR,
      sample: (t) => machine(total, available(t)),
    });
    expect(events.filter((e) => e.severity === 'critical')).toEqual([]);
    expect(events.filter((e) => e.ruleId.includes('exhaustion'))).toEqual([]);
  }, 60_000);

  it('still pages for a real exhaustion: 3 GB/h from 23.8 of 25.3 GB, with hours to spare', () => {
    const total = 25.3 * GB;
    const jitter = noise(11);
    const available = (t: number) => Math.max(0, 23.8 * GB - (t / HOUR) * 3 * GB + jitter() * 50e6);
    const events = replay({
      stepMs: 10_000,
      durationMs: 7 * HOUR,
      sample: (t) => machine(total, available(t)),
    });
    const fired = (id: string) => events.find((e) => e.ruleId === id && e.state === 'firing');
    const warning = fired('memory-exhaustion-warning')!;
    const critical = fired('memory-exhaustion-critical')!;
    expect(warning).toBeDefined();
    expect(critical).toBeDefined();
    expect(warning.t).toBeLessThan(critical.t);
    // Memory runs out at 7.9 h: the page comes with at least an hour left, and it was right.
    const exhaustedAt = (23.8 / 3) * HOUR;
    expect(exhaustedAt - critical.t).toBeGreaterThan(HOUR);
    expect(critical.value * 1000).toBeCloseTo(exhaustedAt - critical.t, -6);
    expect(critical.labels).toEqual({ resource: 'memory', mountpoint: '' });
  }, 60_000);
});
