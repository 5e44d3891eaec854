import type { InstanceLock, InstanceLockService } from '@vitals/core';
import { acquireInstanceLock } from './instance.lock';

/** The {@link InstanceLockService} the plugin registers, plus `releaseAll()` for its stop. */
export interface TrackingLockService extends InstanceLockService {
  /** Releases every lock taken through this service that is still held. */
  releaseAll(): void;
}

/**
 * An {@link InstanceLockService} over {@link acquireInstanceLock} with a default folder; it
 * remembers its locks so the plugin's `stop` releases them.
 * @example createInstanceLockService('/run/user/1000/vitals').acquire('bot')
 */
export function createInstanceLockService(
  defaultDir: string,
  procRoot?: string,
): TrackingLockService {
  const held = new Set<InstanceLock>();
  return {
    acquire(name, options) {
      const lock = acquireInstanceLock(name, {
        dir: options?.dir ?? defaultDir,
        pid: options?.pid,
        procRoot,
      });
      const tracked: InstanceLock = {
        name: lock.name,
        path: lock.path,
        pid: lock.pid,
        release() {
          held.delete(tracked);
          lock.release();
        },
      };
      held.add(tracked);
      return tracked;
    },
    releaseAll() {
      for (const lock of [...held]) lock.release();
    },
  };
}
