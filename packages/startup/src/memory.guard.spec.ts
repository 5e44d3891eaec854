import { ManualClock } from '@vitals/core';
import { MemoryGuard } from './memory.guard';

/** A guard on a ManualClock whose readings are recorded with their time. */
function guarded(options: { maxMemoryBytes?: number; rss?: () => number } = {}) {
  const clock = new ManualClock(0);
  const readings: number[] = [];
  const ceilings: number[] = [];
  const guard = new MemoryGuard({
    clock,
    intervalMs: 1000,
    maxMemoryBytes: options.maxMemoryBytes,
    maxMemoryForMs: 2000,
    readRss: () => {
      readings.push(clock.now());
      return options.rss?.() ?? 100;
    },
    onReading: () => undefined,
    onOver: () => undefined,
    onCeiling: () => {
      ceilings.push(clock.now());
      return true;
    },
  });
  return { clock, guard, readings, ceilings };
}

/** Advances `clock` to `at`, then reports there (the agent's message). */
function reportAt(clock: ManualClock, guard: MemoryGuard, at: number): void {
  clock.advance(at - clock.now());
  guard.piggyback();
}

describe('MemoryGuard', () => {
  it('reads every interval on its own timer when nothing reports', () => {
    const { clock, guard, readings } = guarded();
    guard.start(42);
    clock.advance(5000);
    expect(readings).toEqual([1000, 2000, 3000, 4000, 5000]);
    guard.stop();
  });

  it('takes the readings at the reports, not on its timer, once the reports come', () => {
    const { clock, guard, readings } = guarded();
    guard.start(42);
    // Reports 400 ms out of phase with the timer: the first timer reading at 1000 comes before
    // the first report, after which the reports carry every reading.
    for (let at = 1400; at <= 10_400; at += 1000) reportAt(clock, guard, at);
    expect(readings[0]).toBe(1000);
    expect(readings.slice(1)).toEqual([2400, 3400, 4400, 5400, 6400, 7400, 8400, 9400, 10_400]);
    // Moving to the reports' phase stretches one gap (under two intervals); after it, never more
    // than an interval and a quarter between two readings.
    expect(readings[1] - readings[0]).toBeLessThan(2000);
    for (let i = 2; i < readings.length; i++)
      expect(readings[i] - readings[i - 1]).toBeLessThanOrEqual(1250);
  });

  it('ignores a report that comes too soon after a reading', () => {
    const { clock, guard, readings } = guarded();
    guard.start(42);
    reportAt(clock, guard, 1000);
    reportAt(clock, guard, 1300); // a GC message between two reports
    reportAt(clock, guard, 2000);
    expect(readings).toEqual([1000, 2000]);
  });

  it('goes back to its timer within five intervals when the reports stop, then every interval', () => {
    const { clock, guard, readings } = guarded();
    guard.start(42);
    for (let at = 1000; at <= 5000; at += 1000) reportAt(clock, guard, at);
    expect(readings).toEqual([1000, 2000, 3000, 4000, 5000]);
    clock.advance(10_000); // silence: the child hung or stopped reporting
    const after = readings.filter((t) => t > 5000);
    expect(after[0]).toBeLessThanOrEqual(10_000);
    for (let i = 1; i < after.length; i++) expect(after[i] - after[i - 1]).toBe(1000);
    expect(after[after.length - 1]).toBeGreaterThan(14_000);
  });

  it('asks for a restart after the sustained excess whether readings come from reports or the timer', () => {
    const { clock, guard, readings, ceilings } = guarded({ maxMemoryBytes: 50 });
    guard.start(42);
    reportAt(clock, guard, 1000);
    reportAt(clock, guard, 2000);
    clock.advance(1500); // no report: the timer looks at 7000 (five intervals after the last)…
    reportAt(clock, guard, 3600);
    expect(ceilings).toEqual([3600]);
    // …and after the restart began there are no more readings for this child.
    const count = readings.length;
    clock.advance(10_000);
    guard.piggyback();
    expect(readings).toHaveLength(count);
  });

  it('keeps reading after a reading throws', () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    let reads = 0;
    const guard = new MemoryGuard({
      clock,
      readRss: () => {
        reads++;
        throw Object.assign(new Error('EMFILE'), { code: 'EMFILE' });
      },
      onReading: () => undefined,
      onOver: () => undefined,
      onCeiling: () => false,
      onError: (error) => errors.push(error),
    });
    guard.start(7);
    clock.advance(3000);
    guard.piggyback();
    expect(reads).toBe(3);
    expect(errors).toHaveLength(3);
    guard.stop();
    clock.advance(5000);
    expect(reads).toBe(3);
  });
});
