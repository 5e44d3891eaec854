import { VitalsError } from '@vitals/core';

/**
 * Stable error codes of the monitor.
 * - `ERR_MONITOR_PROCESS_GONE`: the watched pid does not exist (any more).
 * - `ERR_MONITOR_NOT_STARTED`: an API that needs the running plugin was called before `start`.
 * - `ERR_MONITOR_UNKNOWN_RULE`: config overrides a default alert rule that does not exist.
 */
export type MonitorErrorCode =
  'ERR_MONITOR_PROCESS_GONE' | 'ERR_MONITOR_NOT_STARTED' | 'ERR_MONITOR_UNKNOWN_RULE';

/** The watched process is gone. */
export function processGone(pid: number): VitalsError {
  return new VitalsError(
    'ERR_MONITOR_PROCESS_GONE',
    `process ${pid} does not exist; check the pid (ps -p ${pid})`,
  );
}

/** The monitor service was used before the host started. */
export function notStarted(what: string): VitalsError {
  return new VitalsError(
    'ERR_MONITOR_NOT_STARTED',
    `${what} needs a started host: call host.start() first`,
  );
}

/** A config override names a rule the monitor does not define. */
export function unknownRule(id: string, known: readonly string[]): VitalsError {
  return new VitalsError(
    'ERR_MONITOR_UNKNOWN_RULE',
    `monitor.alerts.rules has no default rule "${id}"; known rules: ${known.join(', ')} (add new rules under monitor.alerts.extra)`,
  );
}
