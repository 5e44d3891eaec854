import { VitalsError } from '@vitals/core';

/** Stable error codes of @vitals/process. */
export type ProcessErrorCode =
  | 'ERR_INSTANCE_LOCKED'
  | 'ERR_LOCK_IO'
  /** The lock folder was refused (not a folder, or others could replace the lock): bad input. */
  | 'ERR_LOCK_DIR'
  | 'ERR_PROCFS_UNAVAILABLE'
  | 'ERR_SYSTEMD_UNAVAILABLE'
  | 'ERR_SYSTEMCTL_FAILED'
  | 'ERR_INVALID_UNIT';

/**
 * Builds the one-line errors of this package. Each message says what was wrong and what to do.
 * @example throw processErrors.locked('bot', '/run/vitals/bot.lock', 4242)
 */
export const processErrors = {
  locked(name: string, path: string, pid: number, host: string): VitalsError {
    return new VitalsError(
      'ERR_INSTANCE_LOCKED',
      `instance lock "${name}" is held by pid ${pid} on ${host} (${path}): stop that process first, or delete the file if that pid is not a copy of this service`,
    );
  },
  lockBusy(name: string, path: string): VitalsError {
    return new VitalsError(
      'ERR_INSTANCE_LOCKED',
      `instance lock "${name}" (${path}) is being taken over by another process right now: retry in a moment`,
    );
  },
  lockIo(path: string, cause: unknown): VitalsError {
    const code = (cause as NodeJS.ErrnoException)?.code ?? 'error';
    return new VitalsError(
      'ERR_LOCK_IO',
      `cannot write the lock file ${path} (${code}): set process.lockDir to a writable folder`,
      { cause },
    );
  },
  lockDirUnsafe(dir: string, why = 'is writable by every user'): VitalsError {
    return new VitalsError(
      'ERR_LOCK_DIR',
      `the lock folder ${dir} ${why}, so someone else could replace the lock: set process.lockDir to a folder of your own (mode 0700)`,
    );
  },
  lockDirNotFolder(dir: string, why: string): VitalsError {
    return new VitalsError(
      'ERR_LOCK_DIR',
      `the lock folder ${dir} ${why}: set process.lockDir to a folder of your own (mode 0700)`,
    );
  },
  lockForeign(path: string, uid: number, cause: unknown): VitalsError {
    return new VitalsError(
      'ERR_LOCK_IO',
      `the lock file ${path} belongs to uid ${uid}, not to you, and cannot be removed from this shared folder: set process.lockDir to a folder of your own (mode 0700)`,
      { cause },
    );
  },
  noProcfs(): VitalsError {
    return new VitalsError(
      'ERR_PROCFS_UNAVAILABLE',
      'the process table needs Linux /proc, which this system does not have: run ps and kill-duplicates on Linux',
    );
  },
  systemdUnavailable(message: string): VitalsError {
    return new VitalsError('ERR_SYSTEMD_UNAVAILABLE', message);
  },
  invalidUnit(unit: string): VitalsError {
    return new VitalsError(
      'ERR_INVALID_UNIT',
      `invalid systemd unit name ${JSON.stringify(unit)}: use a name such as "bot.service"`,
    );
  },
  systemctlFailed(args: readonly string[], detail: string): VitalsError {
    return new VitalsError('ERR_SYSTEMCTL_FAILED', `systemctl ${args.join(' ')} failed: ${detail}`);
  },
};
