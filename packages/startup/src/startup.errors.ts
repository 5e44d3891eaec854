import { VitalsError } from '@vitals/core';

/** Error codes of @vitals/startup. */
export type StartupErrorCode =
  | 'ERR_SUPERVISOR_SPAWN'
  | 'ERR_SUPERVISOR_STATE'
  | 'ERR_STARTUP_PRECHECK'
  | 'ERR_INSTANCE_LOCKED'
  | 'ERR_SERVICE_UNAVAILABLE'
  | 'ERR_SNAPSHOT_REFUSED'
  | 'ERR_SNAPSHOT_FAILED'
  | 'ERR_SNAPSHOT_TIMEOUT';

/**
 * Builds the one-line errors of @vitals/startup: a stable code, what was wrong, what to do.
 * @example throw startupError.spawn('nodee', err)
 */
export const startupError = {
  /** The command could not be started at all (not found, not executable). */
  spawn(command: string, cause: unknown): VitalsError {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const why =
      code === 'ENOENT'
        ? 'not found'
        : code === 'EACCES'
          ? 'not executable'
          : String(code ?? cause);
    return new VitalsError(
      'ERR_SUPERVISOR_SPAWN',
      `cannot start "${command}": ${why}; check the command after "--" and your PATH`,
      { cause },
    );
  },
  /** `run()` was called twice on one Supervisor. */
  alreadyRunning(name: string): VitalsError {
    return new VitalsError(
      'ERR_SUPERVISOR_STATE',
      `supervisor "${name}" is already running; create a new Supervisor to run the command again`,
    );
  },
  /** `vitals run` without a command. */
  noCommand(): VitalsError {
    return new VitalsError(
      'ERR_USAGE',
      'vitals run needs a command: vitals run [options] -- node app.js',
    );
  },
  /** A previous supervisor was killed and its child still runs. */
  childAlive(service: string, pid: number): VitalsError {
    return new VitalsError(
      'ERR_INSTANCE_LOCKED',
      `the previous child of "${service}" is still running as pid ${pid} (its supervisor was killed): ` +
        'stop it, or start with --replace to stop it first',
    );
  },
  /** A heap snapshot was asked of a service that has no running child with an agent. */
  unavailable(service: string, why: string): VitalsError {
    return new VitalsError(
      'ERR_SERVICE_UNAVAILABLE',
      `service "${service}" cannot take a heap snapshot: ${why}`,
    );
  },
  /** The child's agent refused a heap snapshot (heap above the cap, disk, the name taken). */
  snapshotRefused(service: string, why: string): VitalsError {
    return new VitalsError(
      'ERR_SNAPSHOT_REFUSED',
      `heap snapshot of "${service}" refused: ${why}; raise the cap (snapshotMaxHeap) or free disk space`,
    );
  },
  /** Writing the snapshot failed in the child. */
  snapshotFailed(service: string, why: string): VitalsError {
    return new VitalsError('ERR_SNAPSHOT_FAILED', `heap snapshot of "${service}" failed: ${why}`);
  },
  /** The child did not answer in time. */
  snapshotTimeout(service: string, timeoutMs: number): VitalsError {
    return new VitalsError(
      'ERR_SNAPSHOT_TIMEOUT',
      `heap snapshot of "${service}" did not finish within ${timeoutMs} ms; a larger heap needs a longer timeoutMs`,
    );
  },
  /** Pre-start diagnostics found a critical problem. */
  precheck(messages: readonly string[]): VitalsError {
    return new VitalsError(
      'ERR_STARTUP_PRECHECK',
      `pre-start checks found ${messages.length} critical problem(s): ${messages.join('; ')}; ` +
        'fix them or start with force: true (--force)',
    );
  },
};
