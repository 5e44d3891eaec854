import { MemoryWatch } from './memory.watch';

describe('MemoryWatch', () => {
  it('asks for a restart only after the RSS stayed over the limit for the whole time', () => {
    const watch = new MemoryWatch(100, 3000);
    expect(watch.observe(0, 150)).toEqual({ action: 'over', sinceMs: 0 });
    expect(watch.observe(2000, 150).action).toBe('over');
    expect(watch.observe(3000, 150)).toEqual({ action: 'restart', overForMs: 3000 });
  });

  it('forgets a spike once one reading is back under the limit', () => {
    const watch = new MemoryWatch(100, 3000);
    watch.observe(0, 500);
    expect(watch.observe(1000, 90)).toEqual({ action: 'ok' });
    expect(watch.observe(2000, 150)).toEqual({ action: 'over', sinceMs: 2000 });
    expect(watch.observe(4000, 150).action).toBe('over');
  });

  it('restarts on the first reading over when the time is zero, as PM2 does', () => {
    expect(new MemoryWatch(100, 0).observe(5, 101).action).toBe('restart');
  });
});
