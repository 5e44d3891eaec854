import { METRICS, countOpenFds, readProcLimits } from '@vitals/core';
import type { HealthCheck, Severity } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { criticalAbsolute, criticalRatio, gradeAbsolute, percent, worse } from '../severity.rules';

/**
 * `fds`: open file descriptors, graded twice and the worse grade kept: against
 * `thresholds.openFds` (the alert rule), and against the process's own soft limit from
 * `/proc/<pid>/limits` (warning at `thresholds.openFdsLimitRatio`, 0.8 by default, critical half-way
 * to 100 %: at 100 % `open()` and `accept()` fail with EMFILE). Reads monitor's `process_open_fds`/`process_max_fds` for this process when present.
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
      const limitWarning = ctx.thresholds.openFdsLimitRatio;
      const limitCritical = criticalRatio(limitWarning);
      let severity: Severity = gradeAbsolute(open, t);
      let limitText = '';
      if (soft !== undefined && Number.isFinite(soft) && soft > 0) {
        const ratio = open / soft;
        const byLimit: Severity =
          ratio >= limitCritical ? 'critical' : ratio >= limitWarning ? 'warning' : 'ok';
        severity = worse(severity, byLimit);
        limitText = ` of a soft limit of ${soft} (${percent(ratio)})`;
      }
      return [
        finding(check, severity, `${open} open file descriptors${limitText}`, {
          figure: `${open}; warning ≥ ${t} or ≥ ${percent(limitWarning)} of the limit, critical ≥ ${criticalAbsolute(t)} or ≥ ${percent(limitCritical)}`,
          recommendation:
            'look for sockets or files that are never closed (`ls -l /proc/PID/fd`); raise the limit (`LimitNOFILE=` in the systemd unit, `ulimit -n`) only once nothing leaks',
          data: { open, softLimit: soft },
        }),
      ];
    },
  };
}
