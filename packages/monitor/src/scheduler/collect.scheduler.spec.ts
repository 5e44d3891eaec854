import { ManualClock, METRICS, MetricStream, createMemoryLogger } from '@vitals/core';
import type { Collector, MetricBatch } from '@vitals/core';
import { CollectScheduler } from './collect.scheduler';
import type { TickReport } from './collect.scheduler';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function collector(
  name: string,
  collect: Collector['collect'],
  timeoutMs?: number,
): Collector & { calls: number } {
  const c = {
    name,
    descriptors: [],
    timeoutMs,
    calls: 0,
    collect: () => {
      c.calls++;
      return collect();
    },
  };
  return c;
}

describe('CollectScheduler', () => {
  let clock: ManualClock;
  let stream: MetricStream;
  let batches: MetricBatch[];
  let ticks: TickReport[];
  let scheduler: CollectScheduler | undefined;
  const logger = createMemoryLogger();

  beforeEach(() => {
    clock = new ManualClock(1_000_000);
    stream = new MetricStream();
    batches = [];
    ticks = [];
    stream.batches$.subscribe((b) => batches.push(b));
    logger.entries.length = 0;
  });

  afterEach(async () => {
    // stop() waits for the tick in flight; time must be able to move for a hung collector.
    const stopping = scheduler?.stop();
    clock.advance(10_000);
    await stopping;
  });

  function start(collectors: Collector[], intervalMs = 1000, timeoutMs = 200): CollectScheduler {
    scheduler = new CollectScheduler(collectors, stream, logger, clock, { intervalMs, timeoutMs });
    scheduler.ticks$.subscribe((t) => ticks.push(t));
    scheduler.start();
    return scheduler;
  }

  it('ticks immediately, then every interval', async () => {
    const c = collector('ok', () => [{ name: 'x', value: 1 }]);
    start([c]);
    await flush();
    expect(c.calls).toBe(1);
    expect(batches.find((b) => b.source === 'ok')?.at).toBe(1_000_000);
    clock.advance(999);
    await flush();
    expect(c.calls).toBe(1);
    clock.advance(1);
    await flush();
    expect(c.calls).toBe(2);
    expect(batches.filter((b) => b.source === 'ok').map((b) => b.at)).toEqual([
      1_000_000, 1_001_000,
    ]);
  });

  it('does not let a hanging collector delay the tick past its deadline, and never calls it twice at once', async () => {
    const hang = collector('hang', () => new Promise<never>(() => undefined), 200);
    const ok = collector('ok', () => Promise.resolve([{ name: 'x', value: 2 }]));
    start([hang, ok]);
    await flush();
    // The healthy collector published without waiting for the hung one.
    expect(batches.some((b) => b.source === 'ok')).toBe(true);
    expect(ticks).toHaveLength(0);
    clock.advance(199);
    await flush();
    expect(ticks).toHaveLength(0);
    clock.advance(1);
    await flush();
    expect(ticks).toHaveLength(1);
    expect(ticks[0].failures).toEqual([
      { collector: 'hang', message: expect.stringContaining('200 ms'), timedOut: true },
    ]);
    // The next tick is on its slot, 1000 ms after the first started.
    clock.advance(800);
    await flush();
    expect(ok.calls).toBe(2);
    expect(hang.calls).toBe(1);
    expect(ticks[1].failures[0]).toMatchObject({
      collector: 'hang',
      message: expect.stringContaining('still running'),
    });
    const errors = stream.latestValue(METRICS.collectorErrors, { collector: 'hang' });
    expect(errors?.value).toBe(2);
    expect(stream.latestValue(METRICS.collectorErrors, { collector: 'ok' })?.value).toBe(0);
  });

  it('keeps publishing the others when one throws, and rate-limits the log line', async () => {
    const bad = collector('bad', () => {
      throw new Error('boom');
    });
    const good = collector('good', () => [{ name: 'y', value: 3 }]);
    start([bad, good]);
    for (let i = 0; i < 5; i++) {
      await flush();
      clock.advance(1000);
    }
    await flush();
    expect(good.calls).toBe(6);
    expect(batches.filter((b) => b.source === 'good')).toHaveLength(6);
    expect(stream.latestValue(METRICS.collectorErrors, { collector: 'bad' })?.value).toBe(6);
    const warnings = logger.entries.filter((e) => e.level === 'warn' && e.data.collector === 'bad');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].data.err).toBe('boom');
    // A minute on, the next failure is logged again, with the count of suppressed lines.
    clock.advance(60_000);
    await flush();
    clock.advance(1000);
    await flush();
    expect(
      logger.entries.filter((e) => e.data.collector === 'bad')[1]?.data.suppressed,
    ).toBeGreaterThan(0);
    expect(logger.entries.filter((e) => e.data.collector === 'bad')).toHaveLength(2);
  });

  it('never overlaps ticks: a slow tick pushes the next one to the following slot', async () => {
    let release: () => void = () => undefined;
    const slow = collector(
      'slow',
      () => new Promise((resolve) => (release = () => resolve([]))),
      5000,
    );
    start([slow]);
    await flush();
    clock.advance(2500);
    await flush();
    expect(slow.calls).toBe(1);
    release();
    await flush();
    expect(ticks).toHaveLength(1);
    clock.advance(499);
    await flush();
    expect(slow.calls).toBe(1);
    clock.advance(1);
    await flush();
    expect(slow.calls).toBe(2);
  });

  it('stops ticking after stop()', async () => {
    const c = collector('ok', () => []);
    const s = start([c]);
    await flush();
    await s.stop();
    clock.advance(5000);
    await flush();
    expect(c.calls).toBe(1);
    expect(s.started).toBe(false);
  });
});
