import { MeasurementGc } from './measurement-gc';

const MB = 1024 * 1024;

describe('MeasurementGc', () => {
  it('forces one full GC only after a quiet minute with ≥ 5 % and ≥ 1 MiB of growth, below the heap cap', () => {
    let used = 100 * MB;
    let forced = 0;
    const m = new MeasurementGc(
      {},
      0,
      () => used,
      () => () => forced++,
    );
    m.noteMajor(0, 100 * MB);
    used = 120 * MB;
    expect(m.check(59_000)).toMatchObject({ forced: false, reason: 'a major GC ran 59 s ago' });
    used = 104 * MB; // +4 %: not enough
    expect(m.check(61_000).reason).toMatch(/grew only 4\.0 MiB/);
    used = 600 * MB; // above the 512 MiB cap
    expect(m.check(61_000).reason).toMatch(/above the cap 512\.0 MiB/);
    used = 106 * MB;
    const r = m.check(61_000);
    expect(r.forced).toBe(true);
    expect(r.reason).toMatch(/measurement GC: 106\.0 MiB heap, 61 s without a major GC; paused/);
    expect(forced).toBe(1);
    // Counted as the last major GC until the observer reports it: no second one right after.
    expect(m.check(62_000).forced).toBe(false);
    expect(m.count).toBe(1);
  });

  it('runs a real full GC (the v8 flag + vm fallback) and times its pause', () => {
    const m = new MeasurementGc({ afterMs: 10_000 }, 0);
    const r = m.check(20_000); // no baseline yet: the first quiet period is enough
    expect(r.forced).toBe(true);
    expect(r.pauseMs).toBeGreaterThan(0);
    expect(m.totalPauseMs).toBe(r.pauseMs);
  });

  it('says so when no GC can be forced', () => {
    const m = new MeasurementGc(
      {},
      0,
      () => 50 * MB,
      () => undefined,
    );
    expect(m.check(120_000).reason).toMatch(/no GC can be forced/);
  });
});
