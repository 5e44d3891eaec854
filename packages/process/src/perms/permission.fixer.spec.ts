import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { systemClock } from '@vitals/core';
import { fakeCli, processConfig } from '../__fixtures__/cli-context.test-util';
import { createPermsCommand } from '../cli/perms.command';
import { auditPermissions } from './permission.auditor';
import { fixPermissions } from './permission.fixer';

const modeOf = (path: string): number => statSync(path).mode & 0o7777;

// Issue 11 (critical): another user who can write in the audited folder swaps the audited file
// for a link (or a hard link) to a file of root's between the audit and the fix.
describe('fixPermissions against a swap after the audit', () => {
  let dir: string;
  let shared: string;
  let victim: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-perms-swap-'));
    shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777); // a folder others can write
    victim = join(dir, 'victim');
    writeFileSync(victim, '#!/bin/sh\nid\n');
    chmodSync(victim, 0o4755);
    writeFileSync(join(shared, '.env'), 'KEY=1');
    chmodSync(join(shared, '.env'), 0o644);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const swapForSymlink = () => {
    renameSync(join(shared, '.env'), join(shared, 'old.env'));
    symlinkSync(victim, join(shared, '.env'));
  };

  it('does not follow a symlink swapped in after the audit: the target keeps its mode', () => {
    const problems = auditPermissions({ secrets: ['shared/.env'] }, { cwd: dir });
    expect(problems.map((p) => p.problem)).toContain('readable-by-others');
    swapForSymlink();
    const fixes = fixPermissions(problems);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({ ok: false });
    expect(fixes[0].message).toContain('symbolic link');
    expect(modeOf(victim)).toBe(0o4755);
  });

  it('does not change a different file put at the path (a hard link to the victim)', () => {
    const problems = auditPermissions({ secrets: ['shared/.env'] }, { cwd: dir });
    renameSync(join(shared, '.env'), join(shared, 'old.env'));
    linkSync(victim, join(shared, '.env'));
    const [fix] = fixPermissions(problems);
    expect(fix.ok).toBe(false);
    expect(fix.message).toContain('replaced by another file since the audit');
    expect(modeOf(victim)).toBe(0o4755);
  });

  it('does not follow a world-writable folder swapped for a link to a root folder', () => {
    mkdirSync(join(dir, 'logs'));
    chmodSync(join(dir, 'logs'), 0o777);
    const problems = auditPermissions({ logDirs: ['logs'] }, { cwd: dir });
    expect(problems.map((p) => p.problem)).toEqual(['world-writable']);
    renameSync(join(dir, 'logs'), join(dir, 'logs.old'));
    mkdirSync(join(dir, 'etc'));
    chmodSync(join(dir, 'etc'), 0o757);
    symlinkSync(join(dir, 'etc'), join(dir, 'logs'));
    expect(fixPermissions(problems)[0].ok).toBe(false);
    expect(modeOf(join(dir, 'etc'))).toBe(0o757);
  });

  it('never follows a link inside a folder others can write, even at audit time', () => {
    symlinkSync(victim, join(shared, 'key.pem'));
    const problems = auditPermissions({ secrets: ['shared/key.pem'] }, { cwd: dir });
    expect(problems).toEqual([expect.objectContaining({ problem: 'link-in-shared-folder' })]);
    expect(fixPermissions(problems)).toEqual([]);
    expect(modeOf(victim)).toBe(0o4755);
  });

  it('still follows a link in a folder only its owner can write, and fixes the real file', () => {
    mkdirSync(join(dir, 'private'), { mode: 0o700 });
    writeFileSync(join(dir, 'real.env'), 'K=1');
    chmodSync(join(dir, 'real.env'), 0o644);
    symlinkSync(join(dir, 'real.env'), join(dir, 'private', '.env'));
    const fixes = fixPermissions(auditPermissions({ secrets: ['private/.env'] }, { cwd: dir }));
    expect(fixes.map((f) => f.ok)).toEqual([true]);
    expect(modeOf(join(dir, 'real.env'))).toBe(0o600);
  });

  it('vitals perms --fix: a swap during the y/N prompt leaves the target as it was', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const command = createPermsCommand({
      config: processConfig({ permissions: { secrets: ['shared/.env'] } }),
      clock: systemClock,
      stdin,
    });
    const { ctx, output } = fakeCli({ fix: true }, { cwd: dir, tty: true });
    ctx.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('[y/N]')) return;
      swapForSymlink();
      stdin.write('y\n');
    });
    expect(await command.run(ctx)).toBe(1);
    expect(output()).toMatch(/FAILED: chmod 0600 .*symbolic link/);
    expect(modeOf(victim)).toBe(0o4755);
  });
});
