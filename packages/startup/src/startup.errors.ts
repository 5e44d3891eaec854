import { VitalsError } from '@vitals/core';

/** Error codes of @vitals/startup. */
export type StartupErrorCode =
  'ERR_SUPERVISOR_SPAWN' | 'ERR_SUPERVISOR_STATE' | 'ERR_STARTUP_PRECHECK' | 'ERR_INSTANCE_LOCKED';

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
  /** Pre-start diagnostics found a critical problem. */
  precheck(messages: readonly string[]): VitalsError {
    return new VitalsError(
      'ERR_STARTUP_PRECHECK',
      `pre-start checks found ${messages.length} critical problem(s): ${messages.join('; ')}; ` +
        'fix them or start with force: true (--force)',
    );
  },
};
