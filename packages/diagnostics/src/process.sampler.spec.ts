import { ManualClock } from '@vitals/core';
import { rate, sampleProcess } from './process.sampler';
import { createFakeProc } from './testing/fake-proc.test-util';
import type { FakeProc } from './testing/fake-proc.test-util';

const tick = () => new Promise((r) => setImmediate(r));

describe('sampleProcess', () => {
  let proc: FakeProc;
  beforeEach(() => (proc = createFakeProc({ rssKb: 1000, utimeTicks: 0, stimeTicks: 0 })));
  afterEach(() => proc.remove());

  it('reads the process every interval on the host clock and gives rates', async () => {
    const clock = new ManualClock(0);
    const running = sampleProcess({
      pid: 4242,
      procRoot: proc.procRoot,
      clock,
      durationMs: 2000,
      intervalMs: 1000,
    });
    proc.update({ rssKb: 3000, utimeTicks: 50 });
    clock.advance(1000);
    await tick();
    proc.update({ rssKb: 5000, utimeTicks: 100, stimeTicks: 100 });
    clock.advance(1000);
    const samples = await running;
    expect(samples.map((s) => [s.at, s.rssBytes, s.cpuSeconds, s.fds])).toEqual([
      [0, 1000 * 1024, 0, 30],
      [1000, 3000 * 1024, 0.5, 30],
      [2000, 5000 * 1024, 2, 30],
    ]);
    expect(rate(samples, (s) => s.rssBytes)).toBe(2000 * 1024);
    expect(rate(samples, (s) => s.cpuSeconds)).toBe(1);
    expect(rate(samples.slice(0, 1), (s) => s.rssBytes)).toBeUndefined();
  });

  it('stops when the process exits or the signal aborts', async () => {
    const clock = new ManualClock(0);
    const abort = new AbortController();
    const running = sampleProcess({
      pid: 4242,
      procRoot: proc.procRoot,
      clock,
      durationMs: 60_000,
      signal: abort.signal,
    });
    clock.advance(1000);
    await tick();
    abort.abort();
    expect((await running).length).toBe(3);
    expect(clock.pending).toBe(0);
    const gone = sampleProcess({ pid: 5555, procRoot: proc.procRoot, clock, durationMs: 1000 });
    expect(await gone).toEqual([]);
  });
});
