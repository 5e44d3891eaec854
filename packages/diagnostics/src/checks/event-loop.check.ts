import { METRICS } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { grade } from '../severity.rules';

/**
 * `event-loop`: event-loop delay p99 against `thresholds.eventLoopDelayP99Ms`. Reads the runner's
 * own `monitorEventLoopDelay` measurement when it made one (no collector publishes the p99, or a
 * `--watch` window, which it covers whole), else monitor's `nodejs_eventloop_lag_p99_seconds`.
 * This process only.
 * @example eventLoopCheck(ctx).run(snapshot)
 */
export function eventLoopCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'event-loop', area: 'runtime' };
  return {
    ...check,
    run(snapshot) {
      const seconds = snapshot.value(METRICS.eventLoopLagP99);
      const direct = ctx.eventLoopDelayP99Ms !== undefined;
      const p99 = ctx.eventLoopDelayP99Ms ?? (seconds !== undefined ? seconds * 1000 : undefined);
      if (p99 === undefined) return [finding(check, 'info', 'event-loop delay not measured')];
      const { severity, figure } = grade(
        p99,
        ctx.thresholds.eventLoopDelayP99Ms,
        'absolute',
        (ms) => `${Math.round(ms * 10) / 10} ms`,
      );
      const elu = snapshot.value(METRICS.eventLoopUtilization);
      return [
        finding(
          check,
          severity,
          `event-loop delay p99 ${p99.toFixed(1)} ms${elu !== undefined ? `, loop ${Math.round(elu * 100)}% busy` : ''}`,
          {
            figure,
            recommendation:
              'something blocks the event loop (synchronous I/O, JSON of large objects, CPU-heavy work): profile with `node --cpu-prof` and move heavy work to a worker thread',
            data: {
              p99Ms: p99,
              utilization: elu,
              source: direct ? 'direct' : 'snapshot',
            },
          },
        ),
      ];
    },
  };
}
