import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { VitalsError, processStartTimeMs, readProcStat } from '@vitals/core';
import type { InstanceLock } from '@vitals/core';
import { processErrors } from '../process.errors';
import { defaultLockDir } from '../process.options';
import { prepareLockDir, removeForeignLock } from './lock.dir';
import { isHolderAlive, readLockFile } from './lock.record';
import type { LockRecord } from './lock.record';

/** Options of {@link acquireInstanceLock}. */
export interface AcquireLockOptions {
  /**
   * Folder of the lock file (created 0700 when missing; refused when a folder on its path belongs
   * to another user or is writable by others without the sticky bit, or a link on it belongs to
   * another user). @default defaultLockDir()
   */
  readonly dir?: string;
  /** The process that holds the lock (a supervisor may lock for its child). @default process.pid */
  readonly pid?: number;
  /** @default '/proc' */
  readonly procRoot?: string;
  /** A takeover marker older than this is left over from a crash and removed, ms. @default 10000 */
  readonly takeoverStaleMs?: number;
}

const NAME = /^[A-Za-z0-9._@-]{1,100}$/;
const ATTEMPTS = 5;

/**
 * Takes the single-instance lock `name`: `<dir>/<name>.lock`, created atomically (written to a
 * temp file, then `link()`ed into place, which fails if the lock exists, so no reader ever sees
 * a half-written file). It records the holder's pid, start time, host, name and time.
 *
 * A lock whose holder is dead, or whose pid now belongs to another program (different start
 * time), is taken over. Two contenders never both win: a takeover first hard-links the stale file
 * to `<name>.lock.takeover` (only one can), checks that it still holds the stale record, and
 * only then removes it; the new lock is created by `link()` as above.
 *
 * There is no mtime heartbeat, so a blocked event loop never costs the lock. A process that dies
 * without `release()` leaves its file behind; the next start sees the dead pid and takes it over.
 * @throws VitalsError `ERR_INSTANCE_LOCKED` naming the holder's pid when a live process holds it.
 * @example const lock = acquireInstanceLock('trading-bot'); … lock.release();
 */
export function acquireInstanceLock(name: string, options: AcquireLockOptions = {}): InstanceLock {
  if (!NAME.test(name)) {
    throw new VitalsError(
      'ERR_INVALID_ARGUMENT',
      `invalid lock name ${JSON.stringify(name)}: use letters, digits, . _ @ -`,
    );
  }
  const dir = options.dir ?? defaultLockDir();
  const procRoot = options.procRoot ?? '/proc';
  const pid = options.pid ?? process.pid;
  const host = osHostname();
  const stat = readProcStat(pid, procRoot);
  if (!stat)
    throw new VitalsError(
      'ERR_INVALID_ARGUMENT',
      `cannot lock "${name}" for pid ${pid}: no such process`,
    );
  const record: LockRecord = {
    name,
    pid,
    startTimeTicks: stat.startTimeTicks,
    startTimeMs: processStartTimeMs(stat, procRoot),
    hostname: host,
    createdAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const path = join(prepareLockDir(dir), `${name}.lock`);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (tryCreate(path, record)) return handle(path, record);
    if (removeForeignLock(path)) continue;
    const current = readOrThrow(path);
    if (!current) continue; // released between our link() and read: try again
    if (current.record && isHolderAlive(current.record, host, procRoot)) {
      throw processErrors.locked(name, path, current.record.pid, current.record.hostname);
    }
    if (!takeOver(path, current.raw, options.takeoverStaleMs ?? 10_000)) pause(20);
  }
  throw processErrors.lockBusy(name, path);
}

/** Writes the record to a private temp file and links it to `path`; false when `path` exists. */
function tryCreate(path: string, record: LockRecord): boolean {
  const tmp = `${path}.${record.pid}.${record.token}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(record)}\n`, { flag: 'wx', mode: 0o644 });
    linkSync(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw processErrors.lockIo(path, error);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // Never created (the write failed): nothing to clean.
    }
  }
}

/**
 * Removes a stale lock whose content was `staleRaw`. Returns false when another process is taking
 * it over right now. The marker is a hard link to the same inode, so what we read through it is
 * what `path` held when we got the marker; nobody else removes `path` while we hold it.
 */
function takeOver(path: string, staleRaw: string, staleMarkerMs: number): boolean {
  const marker = `${path}.takeover`;
  try {
    linkSync(path, marker);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true; // the stale file is already gone
    if (code !== 'EEXIST') throw processErrors.lockIo(marker, error);
    removeIfAbandoned(marker, staleMarkerMs);
    return false;
  }
  try {
    if (readFileSync(marker, 'utf8') === staleRaw) unlinkSync(path);
  } finally {
    unlinkSync(marker);
  }
  return true;
}

/** A marker left by a process that crashed mid-takeover (ctime is set by link()). */
function removeIfAbandoned(marker: string, staleMarkerMs: number): void {
  try {
    if (Date.now() - statSync(marker).ctimeMs > staleMarkerMs) unlinkSync(marker);
  } catch {
    // Gone already: the other contender finished.
  }
}

function handle(path: string, record: LockRecord): InstanceLock {
  let held = true;
  return {
    name: record.name,
    path,
    pid: record.pid,
    release() {
      if (!held) return;
      held = false;
      try {
        if (readLockFile(path)?.record?.token === record.token) unlinkSync(path);
      } catch {
        // Removed by hand, or the folder is gone: nothing left to release.
      }
    },
  };
}

function readOrThrow(path: string): ReturnType<typeof readLockFile> {
  try {
    return readLockFile(path);
  } catch (error) {
    throw processErrors.lockIo(path, error);
  }
}

/** A short synchronous wait between attempts (acquire is synchronous by contract). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
