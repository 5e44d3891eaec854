import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTimeMs, readProcStat } from '@vitals/core';
import { defaultLockDir } from '../process.options';
import { acquireInstanceLock } from './instance.lock';

const NOBODY = 65534;
// These tests hand files to user nobody and run as nobody: they need root, as CI has.
const liveRecord = (pid: number): string => {
  const stat = readProcStat(pid)!;
  return JSON.stringify({
    name: 'bot',
    pid,
    startTimeTicks: stat.startTimeTicks,
    startTimeMs: processStartTimeMs(stat),
    hostname: hostname(),
    createdAt: new Date().toISOString(),
    token: 'planted',
  });
};

/** Runs one acquire as user nobody (a real second user): "won …" or "lost <code> …". */
function acquireAsNobody(dir: string): string {
  const fixture = join(__dirname, '../__fixtures__/lock-once.js');
  const run = spawnSync(
    'setpriv',
    ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, fixture, 'bot', dir],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return `${run.stdout}${run.stderr}`.trim();
}

describe('lock folder and foreign locks (issue 11)', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'vitals-lockdir-'));
    chmodSync(base, 0o755);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('defaults to one folder per user', () => {
    expect(defaultLockDir()).toBe(join(tmpdir(), `vitals-${process.geteuid!()}`));
    expect(defaultLockDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/vitals');
  });

  it('creates a missing folder 0700 and takes the lock in it', () => {
    const dir = join(base, 'locks');
    acquireInstanceLock('bot', { dir }).release();
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder another user created first at its path', () => {
    const dir = join(base, 'vitals-0');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, NOBODY, NOBODY);
    expect(() => acquireInstanceLock('bot', { dir })).toThrow(/owned by uid 65534, not by you/);
  });

  it('refuses a folder that is a link, or writable by group or others without the sticky bit', () => {
    mkdirSync(join(base, 'real'), { mode: 0o700 });
    symlinkSync(join(base, 'real'), join(base, 'link'));
    expect(() => acquireInstanceLock('bot', { dir: join(base, 'link') })).toThrow(
      /is not a folder/,
    );
    mkdirSync(join(base, 'open'));
    chmodSync(join(base, 'open'), 0o770);
    expect(() => acquireInstanceLock('bot', { dir: join(base, 'open') })).toThrow(
      /writable by its group/,
    );
  });

  it('a lock planted by another user in a sticky shared folder never blocks: root removes it', () => {
    const shared = join(base, 'tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    // A record naming a live process (this one), written and owned by another user.
    writeFileSync(join(shared, 'bot.lock'), liveRecord(process.pid));
    chownSync(join(shared, 'bot.lock'), NOBODY, NOBODY);
    const lock = acquireInstanceLock('bot', { dir: shared, pid: process.ppid });
    expect(lock.pid).toBe(process.ppid);
    expect(lstatSync(lock.path).uid).toBe(0);
    lock.release();
    // A planted link is not followed either: it is removed, its target untouched.
    writeFileSync(join(base, 'victim'), 'keep');
    symlinkSync(join(base, 'victim'), join(shared, 'bot.lock'));
    acquireInstanceLock('bot', { dir: shared }).release();
    expect(existsSync(join(base, 'victim'))).toBe(true);
  });

  it("an ordinary user facing root's lock in a sticky folder is told at once, not blocked", () => {
    const shared = join(base, 'tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    writeFileSync(join(shared, 'bot.lock'), liveRecord(1));
    const out = acquireAsNobody(shared);
    expect(out).toMatch(/^lost ERR_LOCK_IO .*belongs to uid 0, not to you/);
    rmSync(join(shared, 'bot.lock'));
    expect(acquireAsNobody(shared)).toMatch(/^won /);
  }, 60_000);
});

describe('a read-only lock folder', () => {
  it('is a one-line ERR_LOCK_IO for the user who cannot write it, never a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitals-lock-ro-'));
    try {
      chmodSync(dir, 0o755); // root's, readable by nobody, not writable
      const run = spawnSync(
        'setpriv',
        [
          '--reuid=nobody',
          '--regid=nogroup',
          '--clear-groups',
          process.execPath,
          join(__dirname, '../__fixtures__/lock-once.js'),
          'bot',
          dir,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.stdout).toMatch(/^lost ERR_LOCK_IO cannot write the lock file .*\(EACCES\)/);
      expect(run.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
