import { ManualClock, systemClock } from '@vitals/core';
import { Children } from '../__fixtures__/children.test-util';
import { fakeCli, processConfig } from '../__fixtures__/cli-context.test-util';
import { createPsCommand } from './ps.command';

describe('ps command', () => {
  const children = new Children();
  afterEach(() => children.killAll());
  const ps = (clock = systemClock) => createPsCommand({ config: processConfig(), clock });

  it('prints a table with pid, parent, user, state, RSS, CPU and command', async () => {
    const dir = children.botDir();
    const tag = `--tag-${process.pid}-${Date.now()}`;
    const child = await children.start(['bot/bot.js', tag], dir);
    const { ctx, output } = fakeCli({ filter: tag });

    expect(await ps().run(ctx)).toBe(0);

    const [header, row] = output().trim().split('\n');
    expect(header.split(/\s+/)).toEqual([
      'PID',
      'PPID',
      'USER',
      'S',
      'AGE',
      'RSS',
      'CPU%',
      'COMMAND',
    ]);
    expect(row.split(/\s+/).slice(0, 2)).toEqual([String(child.pid), String(process.pid)]);
    expect(row).toMatch(/MiB/);
    expect(row.endsWith(`${process.execPath} bot/bot.js ${tag}`)).toBe(true);
  });

  it('sorts by RSS, largest first, and prints JSON', async () => {
    const { ctx, output } = fakeCli({ sort: 'rss', json: true });

    await ps().run(ctx);

    const rows = JSON.parse(output()) as { pid: number; rssBytes: number }[];
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.map((r) => r.rssBytes)).toEqual(
      [...rows.map((r) => r.rssBytes)].sort((a, b) => b - a),
    );
    expect(rows.some((r) => r.pid === process.pid)).toBe(true);
  });

  it('samples CPU over an interval with pidusage when --sample is given', async () => {
    const clock = new ManualClock(Date.now());
    const { ctx, output } = fakeCli({ sample: '1000', filter: String(process.pid), json: true });
    const run = ps(clock).run(ctx);
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    clock.advance(1000);
    await run;

    const [row] = JSON.parse(output()) as { pid: number; cpuPercent: number }[];
    expect(row.pid).toBe(process.pid);
    expect(row.cpuPercent).toBeGreaterThanOrEqual(0);
  });

  it('says that /proc is missing instead of printing an empty table', async () => {
    const command = createPsCommand({
      config: processConfig(),
      clock: systemClock,
      procRoot: '/nonexistent-proc',
    });
    await expect(command.run(fakeCli({}).ctx)).rejects.toMatchObject({
      code: 'ERR_PROCFS_UNAVAILABLE',
    });
  });

  it('rejects a sampling interval of zero with a usage error', async () => {
    await expect(ps().run(fakeCli({ sample: '0' }).ctx)).rejects.toMatchObject({
      code: 'ERR_USAGE',
      message: '--sample "0" is out of range: must be at least 50ms',
    });
  });

  it('rejects an unknown sort order with a usage error', async () => {
    await expect(ps().run(fakeCli({ sort: 'name' }).ctx)).rejects.toThrow(
      'invalid --sort "name": use rss, cpu, pid or start',
    );
  });
});

describe('ps and kill-duplicates flag ranges (issue 11)', () => {
  const ps = () => createPsCommand({ config: processConfig(), clock: systemClock });
  it.each([
    [{ sample: '25d' }, '--sample "25d" is out of range: must be at most 1m'],
    [{ sample: 'soon' }, 'invalid --sample "soon"'],
    [
      { duplicates: true, kill: true, grace: '25d' },
      '--grace "25d" is out of range: must be at most 10m',
    ],
    [
      { duplicates: true, kill: true, grace: '0' },
      '--grace "0" is out of range: must be at least 100ms',
    ],
    [
      { duplicates: true, kill: true, keep: '99999999' },
      '--keep "99999999" is out of range: must be at most 4194304',
    ],
    [{ duplicates: true, kill: true, keep: '0' }, '--keep "0" is out of range: must be at least 1'],
  ])('%j is a usage error', async (options, message) => {
    await expect(ps().run(fakeCli(options).ctx)).rejects.toMatchObject({ code: 'ERR_USAGE' });
    await expect(ps().run(fakeCli(options).ctx)).rejects.toThrow(message);
  });
});
