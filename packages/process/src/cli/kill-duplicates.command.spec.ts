import { PassThrough } from 'node:stream';
import { systemClock } from '@vitals/core';
import { Children } from '../__fixtures__/children.test-util';
import { fakeCli, processConfig } from '../__fixtures__/cli-context.test-util';
import { createKillDuplicatesCommand } from './kill-duplicates.command';
import { createPsCommand } from './ps.command';

describe('kill-duplicates command', () => {
  const children = new Children();
  afterEach(() => children.killAll());

  /** Three copies of one script, started through different paths; the first is the oldest. */
  async function threeCopies(): Promise<{ dir: string; pids: number[] }> {
    const dir = children.botDir();
    const a = await children.start(['bot.js'], `${dir}/bot`);
    const b = await children.start(['./bot/bot.js'], dir);
    const c = await children.start([`${dir}/bot/bot.js`], '/');
    return { dir, pids: [a.pid!, b.pid!, c.pid!] };
  }

  it('is a dry run without --yes: it prints the plan and signals nothing', async () => {
    const { dir, pids } = await threeCopies();
    const { ctx, output } = fakeCli({ filter: dir });

    const code = await createKillDuplicatesCommand({
      config: processConfig(),
      clock: systemClock,
    }).run(ctx);

    expect(code).toBe(0);
    expect(output()).toContain(`node ${dir}/bot/bot.js: 3 copies (oldest pid ${pids[0]})`);
    expect(output()).toMatch(/^ {2}\s+PID\s+PPID\s+USER\s+S\s+AGE\s+RSS\s+CPU%$/m);
    expect(output()).not.toMatch(/ $/m);
    expect(output()).toMatch(new RegExp(`keep\\s+${pids[0]}`));
    expect(output()).toMatch(new RegExp(`stop\\s+${pids[2]}`));
    expect(output()).toContain('Dry run: nothing was signalled');
    expect(pids.every((pid) => children.alive(children.byPid(pid)))).toBe(true);
  });

  it('with --yes leaves exactly the oldest copy alive', async () => {
    const { dir, pids } = await threeCopies();
    const dry = fakeCli({ filter: dir, json: true });
    await createKillDuplicatesCommand({ config: processConfig(), clock: systemClock }).run(dry.ctx);
    // Safety net on a shared machine: the plan must be exactly our three children.
    expect(JSON.parse(dry.output()).groups).toEqual([
      expect.objectContaining({ pids, keep: pids[0] }),
    ]);

    const { ctx, output } = fakeCli({ filter: dir, yes: true, grace: '2000' });
    const code = await createKillDuplicatesCommand({
      config: processConfig(),
      clock: systemClock,
    }).run(ctx);

    expect(code).toBe(0);
    expect(children.alive(children.byPid(pids[0]))).toBe(true);
    expect(await children.exited(children.byPid(pids[1]))).toBe('SIGTERM');
    expect(await children.exited(children.byPid(pids[2]))).toBe('SIGTERM');
    expect(output()).toContain(`pid ${pids[1]} exited after SIGTERM`);
  });

  it('asks y/N in a terminal and acts on yes', async () => {
    const { dir, pids } = await threeCopies();
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const { ctx } = fakeCli({ filter: dir, keep: 'newest' }, { tty: true });
    const run = createKillDuplicatesCommand({
      config: processConfig(),
      clock: systemClock,
      stdin,
    }).run(ctx);
    stdin.write('y\n');

    expect(await run).toBe(0);
    expect(await children.exited(children.byPid(pids[0]))).toBe('SIGTERM');
    expect(children.alive(children.byPid(pids[2]))).toBe(true);
  });

  it('lists groups with the oldest through ps --duplicates, and rejects a bad --keep', async () => {
    const { dir, pids } = await threeCopies();
    const { ctx, output } = fakeCli({ duplicates: true, filter: dir });
    const ps = createPsCommand({ config: processConfig(), clock: systemClock });

    await ps.run(ctx);

    expect(output()).toMatch(new RegExp(`oldest\\s+${pids[0]}`));
    await expect(
      ps.run(fakeCli({ duplicates: true, kill: true, keep: 'first', filter: dir }).ctx),
    ).rejects.toMatchObject({ code: 'ERR_USAGE' });
  });
});
