import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVitalsError, processStartTimeMs, readProcStat } from '@vitals/core';
import { Children } from '../__fixtures__/children.test-util';
import { acquireInstanceLock } from './instance.lock';

const recordOf = (pid: number, overrides: Record<string, unknown> = {}): string => {
  const stat = readProcStat(pid)!;
  return JSON.stringify({
    name: 'bot',
    pid,
    startTimeTicks: stat.startTimeTicks,
    startTimeMs: processStartTimeMs(stat),
    hostname: hostname(),
    createdAt: new Date().toISOString(),
    token: 'other',
    ...overrides,
  });
};

describe('acquireInstanceLock', () => {
  const children = new Children();
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vitals-lock-'))));
  afterEach(async () => {
    await children.killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the lock file with pid, start time, host and name, and removes it on release', () => {
    const lock = acquireInstanceLock('bot', { dir });
    const record = JSON.parse(readFileSync(lock.path, 'utf8'));

    expect(record).toMatchObject({ name: 'bot', pid: process.pid, hostname: hostname() });
    expect(record.startTimeTicks).toBe(readProcStat(process.pid)!.startTimeTicks);
    lock.release();
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('refuses a second holder while a real process holds the lock, naming its pid', async () => {
    const holder = await children.start([join(__dirname, '../__fixtures__/idle.js')], dir);
    acquireInstanceLock('bot', { dir, pid: holder.pid });

    let error: unknown;
    try {
      acquireInstanceLock('bot', { dir });
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_INSTANCE_LOCKED')).toBe(true);
    expect((error as Error).message).toContain(`pid ${holder.pid}`);
  });

  it('takes over a stale lock left by a dead pid', async () => {
    const holder = await children.start([join(__dirname, '../__fixtures__/idle.js')], dir);
    const stale = recordOf(holder.pid!);
    holder.kill('SIGKILL');
    await children.exited(holder);
    writeFileSync(join(dir, 'bot.lock'), stale);

    const lock = acquireInstanceLock('bot', { dir });

    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    expect(existsSync(`${lock.path}.takeover`)).toBe(false);
  });

  it('takes over a lock whose pid now belongs to another program (start time differs)', () => {
    const ticks = readProcStat(process.ppid)!.startTimeTicks;
    writeFileSync(join(dir, 'bot.lock'), recordOf(process.ppid, { startTimeTicks: ticks - 1 }));

    const lock = acquireInstanceLock('bot', { dir });

    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
  });

  it('does not remove a lock that another process took after this one released', () => {
    const first = acquireInstanceLock('bot', { dir });
    writeFileSync(first.path, recordOf(process.ppid));

    first.release();

    expect(JSON.parse(readFileSync(first.path, 'utf8')).pid).toBe(process.ppid);
  });

  it('refuses a folder every user may write to, but accepts one with the sticky bit', () => {
    chmodSync(dir, 0o777);
    let error: unknown;
    try {
      acquireInstanceLock('bot', { dir });
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_LOCK_DIR')).toBe(true);
    expect((error as Error).message).toContain(`is in a folder other users can write (${dir})`);
    expect(existsSync(join(dir, 'bot.lock'))).toBe(false);
    chmodSync(dir, 0o1777);
    acquireInstanceLock('bot', { dir }).release();
  });

  it('rejects a lock name that could escape the folder', () => {
    expect(() => acquireInstanceLock('../etc/passwd', { dir })).toThrow(/invalid lock name/);
  });
});
