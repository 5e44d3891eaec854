import { METRICS } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { criticalAbsolute, gradeAbsolute } from '../severity.rules';

/**
 * `event-loop`: event-loop delay p99 against `thresholds.eventLoopDelayP99Ms`. Reads monitor's
 * `nodejs_eventloop_lag_p99_seconds`, else the runner's own `monitorEventLoopDelay` sample.
 * This process only.
 * @example eventLoopCheck(ctx).run(snapshot)
 */
export function eventLoopCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'event-loop', area: 'runtime' };
  return {
    ...check,
    run(snapshot) {
      const seconds = snapshot.value(METRICS.eventLoopLagP99);
      const p99 = seconds !== undefined ? seconds * 1000 : ctx.eventLoopDelayP99Ms;
      if (p99 === undefined) return [finding(check, 'info', 'event-loop delay not measured')];
      const t = ctx.thresholds.eventLoopDelayP99Ms;
      const elu = snapshot.value(METRICS.eventLoopUtilization);
      return [
        finding(
          check,
          gradeAbsolute(p99, t),
          `event-loop delay p99 ${p99.toFixed(1)} ms${elu !== undefined ? `, loop ${Math.round(elu * 100)}% busy` : ''}`,
          {
            figure: `${p99.toFixed(1)} ms; warning ≥ ${t} ms, critical ≥ ${criticalAbsolute(t)} ms`,
            recommendation:
              'something blocks the event loop (synchronous I/O, JSON of large objects, CPU-heavy work): profile with `node --cpu-prof` and move heavy work to a worker thread',
            data: {
              p99Ms: p99,
              utilization: elu,
              source: seconds !== undefined ? 'snapshot' : 'direct',
            },
          },
        ),
      ];
    },
  };
}
