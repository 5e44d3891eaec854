import { ManualClock, readProcStat } from '@vitals/core';
import { Children } from '../__fixtures__/children.test-util';
import { terminateProcesses } from './process.terminator';
import type { TerminationOutcome } from './process.terminator';

const ticksOf = (pid: number): number => readProcStat(pid)!.startTimeTicks;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('terminateProcesses', () => {
  const children = new Children();
  afterEach(async () => {
    jest.restoreAllMocks();
    await children.killAll();
  });

  it('ends a cooperative child with SIGTERM', async () => {
    const dir = children.botDir();
    const child = await children.start(['bot/bot.js'], dir);

    const [outcome] = await terminateProcesses(
      [{ pid: child.pid!, startTimeTicks: ticksOf(child.pid!) }],
      { pollMs: 20 },
    );

    expect(outcome.status).toBe('terminated');
    expect(await children.exited(child)).toBe('SIGTERM');
  });

  it('sends SIGKILL to a child that ignores SIGTERM only once the grace period is over', async () => {
    const dir = children.botDir();
    const child = await children.start(['bot/bot.js', '--ignore-term'], dir);
    const clock = new ManualClock(0);
    let termSeen = false;
    child.stdout!.on('data', (b: Buffer) => (termSeen ||= b.toString().includes('term')));
    const sent: [string, number][] = [];
    const realKill = process.kill.bind(process);
    jest.spyOn(process, 'kill').mockImplementation((pid, sig) => {
      if (pid === child.pid) sent.push([String(sig), clock.now()]);
      return realKill(pid, sig);
    });
    let outcome: TerminationOutcome | undefined;
    const done = terminateProcesses([{ pid: child.pid!, startTimeTicks: ticksOf(child.pid!) }], {
      clock,
      graceMs: 10_000,
      pollMs: 1000,
    }).then(([o]) => (outcome = o));

    while (!termSeen) await turn();
    for (let t = 0; t < 9; t++) {
      clock.advance(1000);
      await turn();
    }
    expect(sent).toEqual([['SIGTERM', 0]]);
    clock.advance(1000);
    await turn();
    expect(await children.exited(child)).toBe('SIGKILL');
    while (!outcome) {
      clock.advance(1000);
      await turn();
    }
    await done;
    expect(outcome).toMatchObject({ pid: child.pid, status: 'killed' });
    expect(sent).toEqual([
      ['SIGTERM', 0],
      ['SIGKILL', 10_000],
    ]);
  });

  it('refuses a target whose start time changed (pid reuse) and leaves it running', async () => {
    const dir = children.botDir();
    const child = await children.start(['bot/bot.js'], dir);

    const [outcome] = await terminateProcesses([
      { pid: child.pid!, startTimeTicks: ticksOf(child.pid!) - 1 },
    ]);

    expect(outcome).toMatchObject({ status: 'refused', reason: 'reused' });
    expect(children.alive(child)).toBe(true);
  });

  it('refuses pid 1, itself and its parent', async () => {
    const outcomes = await terminateProcesses([
      { pid: 1, startTimeTicks: ticksOf(1) },
      { pid: process.pid, startTimeTicks: ticksOf(process.pid) },
      { pid: process.ppid, startTimeTicks: ticksOf(process.ppid) },
    ]);

    expect(outcomes.map((o) => o.reason)).toEqual(['init', 'self', 'ancestor']);
  });

  it('refuses another user’s process when not root with --all-users', async () => {
    const dir = children.botDir();
    const child = await children.start(['bot/bot.js'], dir);

    const [outcome] = await terminateProcesses(
      [{ pid: child.pid!, startTimeTicks: ticksOf(child.pid!) }],
      {
        selfUid: (process.geteuid?.() ?? 0) + 12345,
      },
    );

    expect(outcome).toMatchObject({ status: 'refused', reason: 'other-user' });
    expect(children.alive(child)).toBe(true);
  });
});
