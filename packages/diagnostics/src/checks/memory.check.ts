import { METRICS, formatBytes, readCgroupLimits, readMeminfo } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { criticalRatio, gradeRatio, percent } from '../severity.rules';

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
      const cgroup = readCgroupLimits({
        procRoot: ctx.procRoot,
        cgroupRoot: ctx.cgroupRoot,
        pid: ctx.pid,
      });
      const total = snapshot.value(METRICS.memTotalBytes) ?? info.MemTotal;
      const available = snapshot.value(METRICS.memAvailableBytes) ?? info.MemAvailable;
      const limit =
        cgroup.memoryLimitBytes !== undefined &&
        (total === undefined || cgroup.memoryLimitBytes < total)
          ? cgroup.memoryLimitBytes
          : undefined;
      let ratio = snapshot.value(METRICS.memoryUsedRatio);
      let used: number | undefined;
      let of: number | undefined;
      if (limit !== undefined && cgroup.memoryUsageBytes !== undefined) {
        used = cgroup.memoryUsageBytes;
        of = limit;
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
      const t = ctx.thresholds.memoryUsedRatio;
      const severity = gradeRatio(ratio, t);
      const scope = limit !== undefined ? 'container' : 'system';
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
            figure: `${percent(ratio)} used; warning ≥ ${percent(t)}, critical ≥ ${percent(criticalRatio(t))}`,
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
