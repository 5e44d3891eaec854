import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@vitals/core';
import { fakeCli, processConfig } from '../__fixtures__/cli-context.test-util';
import { createPermsCommand } from './perms.command';

describe('perms command', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-perms-cmd-'));
    writeFileSync(join(dir, '.env'), 'SECRET=1');
    chmodSync(join(dir, '.env'), 0o640);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const command = () =>
    createPermsCommand({
      config: processConfig({ permissions: { secrets: ['.env'] } }),
      clock: systemClock,
    });
  const mode = () => statSync(join(dir, '.env')).mode & 0o777;

  it('shows the mode a secret has and should have, and exits 1', async () => {
    const { ctx, output } = fakeCli({}, { cwd: dir });

    expect(await command().run(ctx)).toBe(1);
    expect(output()).toMatch(/secret\s+readable-by-others\s+0640\s+0600/);
  });

  it('audits the configured service user, by name or uid, not the user running the command', async () => {
    const other = (process.geteuid?.() ?? 0) + 54321;
    const byUid = createPermsCommand({
      config: processConfig({ permissions: { secrets: ['.env'], user: other } }),
      clock: systemClock,
    });
    const { ctx, output } = fakeCli({}, { cwd: dir });
    expect(await byUid.run(ctx)).toBe(1);
    expect(output()).toContain(`not the service user (uid ${other}): chown it`);
    const me = createPermsCommand({
      config: processConfig({ permissions: { secrets: ['.env'], user: userInfo().username } }),
      clock: systemClock,
    });
    const byName = fakeCli({}, { cwd: dir });
    await me.run(byName.ctx);
    expect(byName.output()).not.toContain('chown');
    const unknown = createPermsCommand({
      config: processConfig({ permissions: { user: 'no-such-user-xyz' } }),
      clock: systemClock,
    });
    await expect(unknown.run(fakeCli({}, { cwd: dir }).ctx)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('--fix alone is a dry run; --fix --yes changes the mode', async () => {
    const dry = fakeCli({ fix: true }, { cwd: dir });
    await command().run(dry.ctx);
    expect(dry.output()).toContain(`would run: chmod 0600 ${join(dir, '.env')}`);
    expect(mode()).toBe(0o640);

    const real = fakeCli({ fix: true, yes: true }, { cwd: dir });
    expect(await command().run(real.ctx)).toBe(0);
    expect(mode()).toBe(0o600);
  });
});
