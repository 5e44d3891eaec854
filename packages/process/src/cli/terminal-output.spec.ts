import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@vitals/core';
import { Children } from '../__fixtures__/children.test-util';
import { fakeCli, processConfig } from '../__fixtures__/cli-context.test-util';
import { createKillDuplicatesCommand } from './kill-duplicates.command';
import { createPermsCommand } from './perms.command';
import { createPsCommand } from './ps.command';

// Issue 11: another user's command line with a newline made a fake table row, and ESC[2J
// cleared the terminal. Outside text reaches the terminal escaped.
const EVIL = 'x\n99999 1 root R 1d 1 MiB 0.0 /usr/sbin/sshd\x1b[2J\x9b31m';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('human output of outside text', () => {
  const children = new Children();
  let dir: string | undefined;
  afterEach(async () => {
    await children.killAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('vitals ps shows a command line with a newline and escapes on one escaped row', async () => {
    const botDir = children.botDir();
    const tag = `--tag-${process.pid}-${Date.now()}`;
    await children.start(['bot/bot.js', tag, EVIL], botDir);
    const { ctx, output } = fakeCli({ filter: tag });
    await createPsCommand({ config: processConfig(), clock: systemClock }).run(ctx);
    const lines = output().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(output()).not.toMatch(RAW_CONTROL);
    expect(lines[1]).toContain('x\\n99999 1 root');
    expect(lines[1]).toContain('\\x1b[2J\\x9b31m');
  });

  it('kill-duplicates escapes the group title and the rows', async () => {
    const botDir = children.botDir();
    await children.start(['bot/bot.js', EVIL], botDir);
    await children.start(['bot/bot.js', EVIL], botDir);
    const { ctx, output } = fakeCli({ filter: botDir });
    await createKillDuplicatesCommand({ config: processConfig(), clock: systemClock }).run(ctx);
    expect(output()).toContain('2 copies');
    expect(output()).not.toMatch(RAW_CONTROL);
    expect(output()).not.toMatch(/^99999/m);
  });

  it('perms escapes a file name with a newline and an escape found in a data folder', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-esc-'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'a\nFAKE\x1b[2J'), '');
    chmodSync(join(dir, 'data', 'a\nFAKE\x1b[2J'), 0o666);
    const { ctx, output } = fakeCli({ fix: true }, { cwd: dir });
    await createPermsCommand({
      config: processConfig({ permissions: { dataDirs: ['data'] } }),
      clock: systemClock,
    }).run(ctx);
    expect(output()).toContain('a\\nFAKE\\x1b[2J');
    expect(output()).not.toMatch(RAW_CONTROL);
    expect(output()).not.toMatch(/^FAKE/m);
  });
});
