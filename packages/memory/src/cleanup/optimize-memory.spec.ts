import { findGc, optimizeMemory } from './optimize-memory';

describe('optimizeMemory', () => {
  it('runs without --expose-gc: forces a real GC through the fallback and reports what it freed', () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    let garbage: unknown[] | undefined = Array.from({ length: 300_000 }, (_, i) => ({
      i,
      s: `x${i}`,
    }));
    expect(garbage.length).toBe(300_000);
    garbage = undefined;
    const r = optimizeMemory();
    expect(r.forced).toBe(true);
    expect(r.method).toBe('expose-gc-fallback');
    expect(r.freedBytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(r.heapUsedAfterBytes).toBe(r.heapUsedBeforeBytes - r.freedBytes);
    expect(r.message).toMatch(/forced GC \(expose-gc-fallback\): freed/);
    // The flag was turned back off: gc is not left on the global object.
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
  });

  it('says so when no GC can be forced (fallback disabled, no --expose-gc)', () => {
    expect(findGc(false)).toEqual({ method: 'none' });
    const r = optimizeMemory({ allowFallback: false });
    expect(r).toMatchObject({ forced: false, method: 'none', freedBytes: 0 });
    expect(r.message).toMatch(/no GC forced.*--expose-gc/);
  });
});
