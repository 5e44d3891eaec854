import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
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
const AS_NOBODY_ARGS = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
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
  const run = spawnSync('setpriv', [...AS_NOBODY_ARGS, process.execPath, fixture, 'bot', dir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return `${run.stdout}${run.stderr}`.trim();
}

describe('lock folder and foreign locks (issue 11)', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'vitals-lockdir-'));
    chmodSync(base, 0o755);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('defaults to /run/vitals for root, else one folder per user in tmp', () => {
    // This machine's /run is root's, 0755 (as on any systemd machine), and these tests run as root.
    expect(defaultLockDir()).toBe('/run/vitals');
    expect(defaultLockDir(1000)).toBe(join(tmpdir(), 'vitals-1000'));
    const run = join(base, 'run');
    mkdirSync(run, { mode: 0o755 });
    expect(defaultLockDir(0, run)).toBe(join(run, 'vitals'));
    // A /run that others could write, or that is not root's, or missing: /tmp as before.
    for (const spoil of [
      () => chmodSync(run, 0o1777),
      () => chmodSync(run, 0o775),
      () => chownSync(run, NOBODY, NOBODY),
      () => rmSync(run, { recursive: true }),
    ]) {
      mkdirSync(run, { recursive: true, mode: 0o755 });
      chmodSync(run, 0o755);
      chownSync(run, 0, 0);
      spoil();
      expect(defaultLockDir(0, run)).toBe(join(tmpdir(), 'vitals-0'));
    }
  });

  it("root's default folder cannot be taken first by another user, as <tmp>/vitals-0 can", () => {
    const run = join(base, 'run');
    mkdirSync(run, { mode: 0o755 });
    const tmp = join(base, 'tmp');
    mkdirSync(tmp, { mode: 0o1777 });
    chmodSync(tmp, 0o1777);
    const plant = (dir: string): number | null =>
      spawnSync('setpriv', [...AS_NOBODY_ARGS, 'mkdir', dir], { timeout: 60_000 }).status;
    // In /tmp nobody makes vitals-0 first, and root's lock there is refused (the old default).
    expect(plant(join(tmp, 'vitals-0'))).toBe(0);
    expect(() => acquireInstanceLock('bot', { dir: join(tmp, 'vitals-0') })).toThrow(
      /is in a folder owned by uid 65534/,
    );
    // Under a /run that only root can write, nobody cannot, and root's lock is taken.
    expect(plant(defaultLockDir(0, run))).not.toBe(0);
    acquireInstanceLock('bot', { dir: defaultLockDir(0, run) }).release();
    expect(lstatSync(join(run, 'vitals')).mode & 0o777).toBe(0o700);
  }, 60_000);

  it('creates a missing folder 0700 and takes the lock in it', () => {
    const dir = join(base, 'locks');
    acquireInstanceLock('bot', { dir }).release();
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder another user created first at its path', () => {
    const dir = join(base, 'vitals-0');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, NOBODY, NOBODY);
    expect(() => acquireInstanceLock('bot', { dir })).toThrow(
      `the lock folder ${dir} is in a folder owned by uid 65534 (${dir}), so someone else could replace the lock: set process.lockDir to a folder of your own (mode 0700)`,
    );
  });

  it("creates nothing where another user's link on the way leads, and takes no lock there", () => {
    // Before: mkdir -p followed the link (root made target/locks), and only the last folder was
    // checked (root's, 0700), so the lock was taken in a folder nobody chose.
    const target = join(base, 'target');
    mkdirSync(target, { mode: 0o755 });
    const link = join(base, 'link');
    symlinkSync(target, link);
    lchownSync(link, NOBODY, NOBODY);
    expect(() => acquireInstanceLock('bot', { dir: join(link, 'locks') })).toThrow(
      `goes through a link owned by uid 65534 (${link})`,
    );
    expect(readdirSync(target)).toEqual([]);
  });

  it('refuses a folder below one others can write, though the last folder itself is fine', () => {
    // Before: only the last folder was checked; nobody could rename it away and put theirs in.
    const open = join(base, 'open');
    mkdirSync(join(open, 'locks'), { recursive: true, mode: 0o700 });
    chmodSync(open, 0o777);
    expect(() => acquireInstanceLock('bot', { dir: join(open, 'locks') })).toThrow(
      `is in a folder other users can write (${open})`,
    );
    expect(readdirSync(join(open, 'locks'))).toEqual([]);
    chmodSync(open, 0o770);
    expect(() => acquireInstanceLock('bot', { dir: open })).toThrow(/other users can write/);
  });

  it("takes the lock through a link of its own (or root's), in the folder it leads to", () => {
    mkdirSync(join(base, 'real'), { mode: 0o700 });
    symlinkSync(join(base, 'real'), join(base, 'link'));
    const lock = acquireInstanceLock('bot', { dir: join(base, 'link') });
    expect(lock.path).toBe(join(realpathSync(base), 'real', 'bot.lock'));
    lock.release();
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
