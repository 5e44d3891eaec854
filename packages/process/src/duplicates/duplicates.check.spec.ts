import { ManualClock, Snapshot } from '@vitals/core';
import type { Sample } from '@vitals/core';
import { Children } from '../__fixtures__/children.test-util';
import { createDuplicatesCheck } from './duplicates.check';
import { createDuplicatesCollector } from './duplicates.collector';

describe('duplicates check and collector', () => {
  const children = new Children();
  afterEach(() => children.killAll());

  it('reports copies of the "current" process and counts the surplus', async () => {
    const dir = children.botDir();
    const a = await children.start(['bot/bot.js'], dir);
    const b = await children.start(['./bot.js'], `${dir}/bot`);
    const options = { scope: 'self' as const, selfPid: b.pid };

    const findings = await createDuplicatesCheck(options).run(new Snapshot(0, []));
    const samples = await createDuplicatesCollector({
      ...options,
      clock: new ManualClock(),
    }).collect();

    expect(findings).toEqual([
      expect.objectContaining({
        check: 'duplicates',
        severity: 'warning',
        data: expect.objectContaining({ pids: [a.pid, b.pid], oldest: a.pid }),
      }),
    ]);
    expect(samples).toEqual([{ name: 'vitals_duplicate_processes', value: 1 }]);
  });

  it('counts copies that start and stop between scans, reading the kept ones from its cache', async () => {
    const dir = children.botDir();
    const a = await children.start(['bot/bot.js'], dir);
    const b = await children.start(['bot/bot.js'], dir);
    const clock = new ManualClock();
    const collector = createDuplicatesCollector({ scope: 'self', selfPid: b.pid, clock });
    const count = async () => {
      clock.advance(10_000);
      const samples = (await collector.collect()) as readonly Sample[];
      return samples[0].value;
    };
    await new Promise((r) => setTimeout(r, 2100)); // old enough to be kept
    expect(await count()).toBe(1);
    expect(await count()).toBe(1); // a and b from the cache
    const c = await children.start(['bot/bot.js'], dir);
    expect(await count()).toBe(2);
    const gone = children.exited(a);
    a.kill('SIGKILL');
    await gone;
    expect(await count()).toBe(1);
    c.kill('SIGKILL');
    await children.exited(c);
    expect(await count()).toBe(0);
  });

  it('is ok, with a zero count, when the current process runs once', async () => {
    const only = await children.start(['bot/bot.js'], children.botDir());
    const options = { scope: 'self' as const, selfPid: only.pid };

    const findings = await createDuplicatesCheck(options).run(new Snapshot(0, []));

    expect(findings.map((f) => f.severity)).toEqual(['ok']);
    expect(
      await createDuplicatesCollector({ ...options, clock: new ManualClock() }).collect(),
    ).toEqual([{ name: 'vitals_duplicate_processes', value: 0 }]);
  });

  it('rescans at most every refreshMs, then sees a new copy', async () => {
    const dir = children.botDir();
    const a = await children.start(['bot/bot.js'], dir);
    const clock = new ManualClock(0);
    const collector = createDuplicatesCollector({
      scope: 'self',
      selfPid: a.pid,
      refreshMs: 10_000,
      clock,
    });
    expect(await collector.collect()).toEqual([{ name: 'vitals_duplicate_processes', value: 0 }]);
    await children.start(['bot/bot.js'], dir);

    clock.advance(9_999);
    expect(await collector.collect()).toEqual([{ name: 'vitals_duplicate_processes', value: 0 }]);
    clock.advance(1);
    expect(await collector.collect()).toEqual([{ name: 'vitals_duplicate_processes', value: 1 }]);
  });
});
