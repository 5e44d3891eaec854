import { VitalsError } from '@vitals/core';

/** Stable error codes of @vitals/diagnostics. */
export type DiagnosticsErrorCode = 'ERR_DIAGNOSE_PID' | 'ERR_USAGE';

/**
 * One-line errors of `vitals diagnose` (a pid that cannot be diagnosed, a bad option).
 * @example throw diagnosticsError.noSuchPid(4242)
 */
export const diagnosticsError = {
  noSuchPid: (pid: number): VitalsError =>
    new VitalsError(
      'ERR_DIAGNOSE_PID',
      `no process with pid ${pid}: check the pid with \`ps -p ${pid}\``,
    ),
  unreadablePid: (pid: number, what: string): VitalsError =>
    new VitalsError(
      'ERR_DIAGNOSE_PID',
      `cannot read ${what} of pid ${pid}: run as the process's user or as root`,
    ),
  badPid: (value: unknown): VitalsError =>
    new VitalsError(
      'ERR_USAGE',
      `--pid ${JSON.stringify(value)} is not a pid: pass a positive whole number`,
    ),
  badWatch: (value: unknown): VitalsError =>
    new VitalsError(
      'ERR_USAGE',
      `--watch ${JSON.stringify(value)} is not a duration: pass seconds (e.g. 30) or a duration such as 2m`,
    ),
  watchTooLong: (value: unknown): VitalsError =>
    new VitalsError(
      'ERR_USAGE',
      `--watch ${JSON.stringify(value)} is out of range: must be at most 1h (one sample a second)`,
    ),
};
