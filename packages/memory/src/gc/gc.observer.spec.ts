import { constants } from 'node:perf_hooks';
import { ManualClock, METRICS } from '@vitals/core';
import { GcObserver } from './gc.observer';
import { GcPressure } from './gc-pressure';
import { createGcCollector } from './gc.collector';
import { findGc } from '../cleanup/optimize-memory';

describe('GcObserver', () => {
  let observer: GcObserver | undefined;
  afterEach(() => observer?.stop());

  it('records pauses by kind, the heap after a major GC, and isolates a failing listener', () => {
    const clock = new ManualClock(1000);
    const errors: unknown[] = [];
    observer = new GcObserver(clock, 60_000, (e) => errors.push(e));
    const seen: number[] = [];
    observer.onMajor(() => {
      throw new Error('listener bug');
    });
    observer.onMajor((p) => seen.push(p.heapUsedBytes));
    observer.record({ duration: 2, detail: { kind: constants.NODE_PERFORMANCE_GC_MINOR } });
    observer.record({ duration: 30, detail: { kind: constants.NODE_PERFORMANCE_GC_MAJOR } });
    expect(observer.histograms.get('minor')!.count).toBe(1);
    expect(observer.histograms.get('major')!.sum).toBeCloseTo(0.03);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    const samples = createGcCollector(observer, clock).collect() as {
      name: string;
      value: number;
      labels?: Record<string, string>;
    }[];
    expect(samples).toContainEqual({
      name: 'nodejs_gc_duration_seconds_count',
      value: 1,
      labels: { kind: 'major' },
    });
    // Baselines are published once per GC by the plugin, never repeated by the collector.
    expect(samples.find((s) => s.name === METRICS.heapAfterGcBytes)).toBeUndefined();
    expect(observer.lastMajor?.heapUsedBytes).toBe(seen[0]);
  });

  it('sees a real forced GC through PerformanceObserver', async () => {
    observer = new GcObserver(new ManualClock(0));
    observer.start();
    findGc().gc!();
    for (let i = 0; i < 50 && !observer.lastMajor; i++) await new Promise((r) => setImmediate(r));
    expect(observer.lastMajor?.heapUsedBytes).toBeGreaterThan(0);
  });
});

describe('GcPressure', () => {
  it('is the fraction of the window spent in GC, and forgets pauses that left the window', () => {
    const p = new GcPressure(10_000);
    p.begin(0);
    p.record(5000, 2500);
    expect(p.ratio(5000)).toBeCloseTo(0.5);
    expect(p.ratio(10_000)).toBeCloseTo(0.25);
    expect(p.ratio(15_001)).toBe(0);
  });
});
