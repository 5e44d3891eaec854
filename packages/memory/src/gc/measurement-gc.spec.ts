import { MeasurementGc } from './measurement-gc';

const MB = 1024 * 1024;

describe('MeasurementGc', () => {
  it('forces one full GC only after 10 quiet seconds with ≥ 2 % and ≥ 256 KiB of growth, below the 256 MiB cap', () => {
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
    expect(m.check(9_000)).toMatchObject({ forced: false, reason: 'a major GC ran 9 s ago' });
    used = 101.5 * MB; // +1.5 %: not enough
    expect(m.check(11_000).reason).toMatch(/grew only 1\.5 MiB/);
    used = 300 * MB; // above the 256 MiB cap
    expect(m.check(11_000).reason).toMatch(/above the cap 256\.0 MiB/);
    used = 106 * MB;
    const r = m.check(11_000);
    expect(r.forced).toBe(true);
    expect(r.reason).toMatch(/measurement GC: 106\.0 MiB heap, 11 s without a major GC; paused/);
    expect(forced).toBe(1);
    // Counted as the last major GC until the observer reports it: no second one right after.
    expect(m.check(12_000).forced).toBe(false);
    expect(m.count).toBe(1);
  });

  it('keeps forced pauses within the pause budget: after a 300 ms pause the next waits 30 s at 1 %', () => {
    let used = 50 * MB;
    let perf = 0;
    let pause = 300;
    const m = new MeasurementGc(
      { maxPauseRatio: 0.01 },
      0,
      () => used,
      () => () => (perf += pause),
      () => perf,
    );
    expect(m.check(10_000)).toMatchObject({ forced: true, pauseMs: 300 });
    used = 60 * MB;
    expect(m.check(29_000).reason).toBe(
      'pause budget: the last measurement GC paused 300 ms, so the next waits 30 s',
    );
    pause = 20;
    expect(m.check(40_000)).toMatchObject({ forced: true, pauseMs: 20 });
    used = 70 * MB;
    // A 20 ms pause asks only 2 s: the 10 s quiet time rules again.
    expect(m.check(49_000).forced).toBe(false);
    expect(m.check(50_000).forced).toBe(true);
    expect(m.totalPauseMs).toBe(340);
  });

  it('needs 256 KiB of growth on a small heap, where 2 % is less', () => {
    let used = 10 * MB;
    const m = new MeasurementGc(
      {},
      0,
      () => used,
      () => () => undefined,
    );
    m.noteMajor(0, 10 * MB);
    used = 10.2 * MB; // +2 %, but only 204.8 KiB
    expect(m.check(20_000).forced).toBe(false);
    used = 10.3 * MB;
    expect(m.check(20_000).forced).toBe(true);
  });

  it('takes its first baseline 2 s in when no major GC came yet, then waits the full 10 s', () => {
    let used = 20 * MB;
    const m = new MeasurementGc(
      {},
      0,
      () => used,
      () => () => (used = 12 * MB),
    );
    expect(m.check(1_000)).toMatchObject({ forced: false, reason: 'no baseline yet, 1 s in' });
    expect(m.check(2_000).forced).toBe(true);
    used = 14 * MB;
    expect(m.check(11_000).reason).toBe('a major GC ran 9 s ago');
    expect(m.check(12_000).forced).toBe(true);
  });

  it('reads the baseline of a forced GC right after it, so young garbage never raises it', () => {
    let used = 40 * MB;
    let perf = 100;
    const m = new MeasurementGc(
      {},
      0,
      () => used,
      // The full GC frees 20 MiB and takes 25 ms.
      () => () => {
        used = 20 * MB;
        perf += 25;
      },
      () => perf,
    );
    expect(m.check(10_000)).toMatchObject({ forced: true, from: 100, to: 125, pauseMs: 25 });
    // 20 MiB + 2 % = 20.4 MiB: 21 MiB qualifies (against 40 MiB read before the GC it would not).
    used = 21 * MB;
    expect(m.check(20_000).forced).toBe(true);
  });

  it('refuses a pause ratio outside 0–1', () => {
    expect(() => new MeasurementGc({ maxPauseRatio: 2 })).toThrow(
      /maxPauseRatio must be between 0 and 1 \(got 2\)/,
    );
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
