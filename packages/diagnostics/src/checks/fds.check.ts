import { METRICS, countOpenFds, readProcLimits } from '@vitals/core';
import type { HealthCheck, Severity } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { criticalAbsolute, gradeAbsolute, percent, worse } from '../severity.rules';

/** Share of the soft `RLIMIT_NOFILE` that is a warning (critical from {@link FD_LIMIT_CRITICAL}). */
export const FD_LIMIT_WARNING = 0.8;
/** See {@link FD_LIMIT_WARNING}. */
export const FD_LIMIT_CRITICAL = 0.9;

/**
 * `fds`: open file descriptors, graded twice and the worse grade kept: against
 * `thresholds.openFds` (the alert rule), and against the process's own soft limit from
 * `/proc/<pid>/limits` (warning ≥ 80 %, critical ≥ 90 %: at 100 % `open()` and `accept()` fail
 * with EMFILE). Reads monitor's `process_open_fds`/`process_max_fds` for this process when present.
 * @example fdsCheck(ctx).run(snapshot)
 */
export function fdsCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'fds', area: 'process' };
  return {
    ...check,
    run(snapshot) {
      const open =
        (ctx.self ? snapshot.value(METRICS.processOpenFds) : undefined) ??
        countOpenFds(ctx.pid, ctx.procRoot);
      if (open === undefined) {
        return [
          finding(check, 'info', `cannot read ${ctx.procRoot}/${ctx.pid}/fd`, {
            recommendation: "run as the process's user or as root to count its file descriptors",
          }),
        ];
      }
      const soft =
        (ctx.self ? snapshot.value(METRICS.processMaxFds) : undefined) ??
        readProcLimits(ctx.pid, ctx.procRoot)?.openFiles?.soft;
      const t = ctx.thresholds.openFds;
      let severity: Severity = gradeAbsolute(open, t);
      let limitText = '';
      if (soft !== undefined && Number.isFinite(soft) && soft > 0) {
        const ratio = open / soft;
        const byLimit: Severity =
          ratio >= FD_LIMIT_CRITICAL ? 'critical' : ratio >= FD_LIMIT_WARNING ? 'warning' : 'ok';
        severity = worse(severity, byLimit);
        limitText = ` of a soft limit of ${soft} (${percent(ratio)})`;
      }
      return [
        finding(check, severity, `${open} open file descriptors${limitText}`, {
          figure: `${open}; warning ≥ ${t} or ≥ ${percent(FD_LIMIT_WARNING)} of the limit, critical ≥ ${criticalAbsolute(t)} or ≥ ${percent(FD_LIMIT_CRITICAL)}`,
          recommendation:
            'look for sockets or files that are never closed (`ls -l /proc/PID/fd`); raise the limit (`LimitNOFILE=` in the systemd unit, `ulimit -n`) only once nothing leaks',
          data: { open, softLimit: soft },
        }),
      ];
    },
  };
}
