import { METRICS, formatBytes, readCgroupLimits, readMeminfo } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { grade, percent } from '../severity.rules';
import { memoryBudget } from './memory.budget';

/**
 * `memory`: memory used and available, against the cgroup (container) limit when one is set,
 * otherwise the machine's. Reads monitor's `vitals_system_memory_used_ratio` when present, else
 * `/proc/meminfo` and the cgroup files. Graded with `thresholds.memoryUsedRatio`.
 * @example memoryCheck(ctx).run(snapshot)
 */
export function memoryCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'memory', area: 'memory' };
  return {
    ...check,
    run(snapshot) {
      const info = readMeminfo(ctx.procRoot);
      const total = snapshot.value(METRICS.memTotalBytes) ?? info.MemTotal;
      const available = snapshot.value(METRICS.memAvailableBytes) ?? info.MemAvailable;
      const budget = memoryBudget(ctx, snapshot);
      const limited = budget?.limitedBy === 'cgroup';
      const cgroupUsage = limited
        ? readCgroupLimits({ procRoot: ctx.procRoot, cgroupRoot: ctx.cgroupRoot, pid: ctx.pid })
            .memoryUsageBytes
        : undefined;
      let ratio = snapshot.value(METRICS.memoryUsedRatio);
      let used: number | undefined;
      let of: number | undefined;
      if (limited && cgroupUsage !== undefined) {
        used = cgroupUsage;
        of = budget.bytes;
      } else if (total !== undefined && available !== undefined) {
        used = total - available;
        of = total;
      }
      const source = ratio !== undefined ? 'snapshot' : 'direct';
      if (ratio === undefined && used !== undefined && of) ratio = used / of;
      if (ratio === undefined) {
        return [
          finding(check, 'info', 'memory figures unavailable (no /proc/meminfo on this system)'),
        ];
      }
      const { severity, figure } = grade(ratio, ctx.thresholds.memoryUsedRatio, 'ratio');
      const scope = limited ? 'container' : 'system';
      const amounts =
        used !== undefined && of !== undefined
          ? ` (${formatBytes(used)} of ${formatBytes(of)})`
          : '';
      return [
        finding(
          check,
          severity,
          `${scope} memory ${percent(ratio)} used${amounts}, ${available !== undefined ? formatBytes(available) : '?'} available`,
          {
            figure: `${figure} used`,
            recommendation:
              'find what grows (`vitals diagnose --pid N --watch 30` on the biggest processes), lower heap limits, or give the machine/container more memory',
            data: {
              ratio,
              usedBytes: used,
              limitBytes: of,
              availableBytes: available,
              scope,
              source,
            },
          },
        ),
      ];
    },
  };
}
