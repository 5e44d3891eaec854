import { METRICS } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { rate } from '../process.sampler';

/**
 * `handles`: active libuv handles and requests (sockets, timers, file watchers) and whether they
 * grow. Growth needs two samples (`--watch S`); over the window it is a warning from +20 % and
 * +10 handles, critical once the count has doubled (and grown by 100 or more). This process only.
 * @example handlesCheck(ctx).run(snapshot)
 */
export function handlesCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'handles', area: 'runtime' };
  return {
    ...check,
    run(snapshot) {
      const withHandles = ctx.samples.filter((s) => s.handles !== undefined);
      const now = snapshot.value(METRICS.activeHandlesTotal) ?? ctx.activeResources();
      if (withHandles.length < 2) {
        return [
          finding(
            check,
            'info',
            `${now} active handle${now === 1 ? '' : 's'}; growth needs two samples: run with --watch 30`,
            {
              data: { handles: now },
            },
          ),
        ];
      }
      const first = withHandles[0].handles ?? 0;
      const last = withHandles[withHandles.length - 1].handles ?? 0;
      const growth = last - first;
      const perMinute = (rate(withHandles, (s) => s.handles) ?? 0) * 60;
      const severity =
        growth >= Math.max(100, first)
          ? 'critical'
          : growth >= Math.max(10, first * 0.2)
            ? 'warning'
            : 'ok';
      const seconds = (withHandles[withHandles.length - 1].at - withHandles[0].at) / 1000;
      return [
        finding(
          check,
          severity,
          `active handles ${first} → ${last} in ${seconds.toFixed(0)} s (${perMinute.toFixed(1)}/min)`,
          {
            figure: `+${growth}; warning ≥ +max(10, 20%), critical ≥ +max(100, 100%)`,
            recommendation:
              'handles that only grow are a leak: sockets never closed, timers never cleared, listeners added per request; `process.getActiveResourcesInfo()` lists them by type',
            data: { first, last, growth, perMinute },
          },
        ),
      ];
    },
  };
}
