import { readFileSync } from 'node:fs';
import { processStartTimeMs, readProcStat } from '@vitals/core';

/** What a lock file holds (JSON). */
export interface LockRecord {
  readonly name: string;
  readonly pid: number;
  /** `/proc/<pid>/stat` start time, clock ticks after boot: tells a reused pid apart. */
  readonly startTimeTicks: number;
  /** Start time in epoch ms (boot time + ticks): tells a reboot apart. */
  readonly startTimeMs: number;
  readonly hostname: string;
  /** ISO time the lock was taken. */
  readonly createdAt: string;
  /** Random per acquisition, so `release()` never removes a lock someone else took since. */
  readonly token: string;
}

/** Reads a lock file: the raw text and the record, or `undefined` for both when it is gone. */
export function readLockFile(
  path: string,
): { raw: string; record: LockRecord | undefined } | undefined {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockRecord>;
    const valid =
      typeof parsed.pid === 'number' &&
      typeof parsed.startTimeTicks === 'number' &&
      typeof parsed.hostname === 'string';
    return { raw, record: valid ? (parsed as LockRecord) : undefined };
  } catch {
    return { raw, record: undefined };
  }
}

/**
 * Whether the holder of a record is still running: same host, the pid exists and is not a zombie,
 * and its start time (ticks and boot-relative ms) is the recorded one. A record from another host
 * counts as live, since its pid cannot be checked from here.
 */
export function isHolderAlive(record: LockRecord, hostname: string, procRoot: string): boolean {
  if (record.hostname !== hostname) return true;
  const stat = readProcStat(record.pid, procRoot);
  if (!stat || stat.state === 'Z' || stat.startTimeTicks !== record.startTimeTicks) return false;
  return Math.abs(processStartTimeMs(stat, procRoot) - record.startTimeMs) < 1000;
}
