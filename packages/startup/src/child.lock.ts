import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InstanceLock, InstanceLockService, Logger } from '@vitals/core';
import { isVitalsError, readProcStat } from '@vitals/core';
import { startupError } from './startup.errors';

/** The previous child a killed supervisor left running, as its lock recorded it. */
export interface StaleChild {
  readonly pid: number;
  readonly startTimeTicks: number;
}

/**
 * The second lock a supervisor holds: `<service>.child`, recording the current child's pid and
 * start time (the instance lock service writes both), so a supervisor killed with SIGKILL leaves a
 * record of the child it could not stop. A new supervisor that takes the service's lock over then
 * finds that child: it refuses and names its pid, or (with `--replace`) stops it first.
 * @example const lock = new ChildLock(service, 'api', logger); lock.check(serviceLock, false);
 */
export class ChildLock {
  private held: InstanceLock | undefined;

  constructor(
    private readonly service: InstanceLockService,
    private readonly name: string,
    private readonly logger: Logger,
    private readonly dir?: string,
  ) {}

  /**
   * Called once the service's own lock is held. Returns the previous child still alive when
   * `replace` is set (the caller stops it); throws `ERR_INSTANCE_LOCKED` naming its pid otherwise.
   */
  check(serviceLock: InstanceLock, replace: boolean): StaleChild | undefined {
    const lockName = `${this.name}.child`;
    try {
      this.held = this.service.acquire(lockName, { dir: this.dir });
      return undefined;
    } catch (error) {
      if (!isVitalsError(error) || error.code !== 'ERR_INSTANCE_LOCKED') throw error;
      const stale = readStale(join(dirname(serviceLock.path), `${lockName}.lock`));
      if (!stale) throw error;
      if (!replace) throw startupError.childAlive(this.name, stale.pid);
      this.logger.warn({ childPid: stale.pid }, 'replacing the previous child left running');
      return stale;
    }
  }

  /** Takes the lock again after the stale child is gone. */
  retake(): void {
    this.held ??= this.service.acquire(`${this.name}.child`, { dir: this.dir });
  }

  /** Records `pid` as the service's child (after each spawn). */
  record(pid: number): void {
    try {
      this.held?.release();
      this.held = this.service.acquire(`${this.name}.child`, { dir: this.dir, pid });
    } catch (error) {
      this.held = undefined;
      this.logger.warn({ err: String(error), childPid: pid }, 'could not record the child pid');
    }
  }

  /** Removes the record (the supervisor is done and its child gone). */
  release(): void {
    try {
      this.held?.release();
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'could not release the child lock');
    }
    this.held = undefined;
  }
}

/** The pid and start time in a lock file, when that process still runs with that start time. */
function readStale(path: string): StaleChild | undefined {
  let record: { pid?: unknown; startTimeTicks?: unknown };
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as typeof record;
  } catch {
    return undefined;
  }
  const { pid, startTimeTicks } = record;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 1) return undefined;
  if (typeof startTimeTicks !== 'number') return undefined;
  const stat = readProcStat(pid);
  return stat && stat.startTimeTicks === startTimeTicks ? { pid, startTimeTicks } : undefined;
}

/**
 * Stops a stale child: SIGTERM to its process group (it leads one), SIGKILL after `killTimeoutMs`,
 * and resolves once it is gone. Checks the start time before every signal, so a reused pid is
 * never hit.
 */
export async function stopStaleChild(stale: StaleChild, killTimeoutMs: number): Promise<void> {
  const same = () => readProcStat(stale.pid)?.startTimeTicks === stale.startTimeTicks;
  const signal = (sig: NodeJS.Signals) => {
    if (!same()) return;
    const group = readProcStat(stale.pid)?.pgrp === stale.pid;
    try {
      process.kill(group ? -stale.pid : stale.pid, sig);
    } catch {
      // gone
    }
  };
  const gone = async (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const stat = readProcStat(stale.pid);
      if (!stat || stat.startTimeTicks !== stale.startTimeTicks || stat.state === 'Z') return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  signal('SIGTERM');
  if (await gone(killTimeoutMs)) return;
  signal('SIGKILL');
  await gone(5000);
}
