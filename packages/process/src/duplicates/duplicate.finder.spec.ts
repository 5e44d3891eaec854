import { join } from 'node:path';
import { readProcessTable } from '../table/process.table';
import { Children } from '../__fixtures__/children.test-util';
import { countSurplus, findDuplicateGroups } from './duplicate.finder';

describe('findDuplicateGroups', () => {
  const children = new Children();
  afterEach(() => children.killAll());

  it('groups three copies of a script started through different relative paths and folders', async () => {
    const dir = children.botDir();
    const a = await children.start(['bot.js', '--live'], join(dir, 'bot'));
    const b = await children.start(['./bot/bot.js', '--live'], dir);
    const c = await children.start([join(dir, 'bot', 'bot.js'), '--live'], '/');
    await children.start([join(dir, 'bot', 'bot.js'), '--paper'], '/');

    const groups = findDuplicateGroups(readProcessTable()).filter((g) => g.name.includes(dir));

    expect(groups).toHaveLength(1);
    expect(groups[0].name).toBe(`node ${join(dir, 'bot', 'bot.js')} --live`);
    expect(groups[0].members.map((m) => m.pid)).toEqual([a.pid, b.pid, c.pid]);
    expect(groups[0].oldest.pid).toBe(a.pid);
    expect(countSurplus(groups)).toBe(2);
  });

  it('groups by configured service name and folds a child into its parent copy', async () => {
    const dir = children.botDir();
    const a = await children.start(['bot/bot.js', '--live'], dir);
    const b = await children.start(['bot/bot.js', '--paper'], dir);
    const table = readProcessTable();
    // A forked worker: same command line as `a`, with `a` as its parent.
    const worker = { ...table.find((p) => p.pid === a.pid)!, pid: 999_999, ppid: a.pid! };

    const groups = findDuplicateGroups([...table, worker], {
      services: [{ name: 'bot', match: join(dir, 'bot') }],
    });
    const bot = groups.find((g) => g.key === 'service:bot');

    expect(bot?.members.map((m) => m.pid)).toEqual([a.pid, b.pid]);
  });
});
