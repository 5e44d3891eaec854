import { METRICS, formatBytes, readCgroupLimits, readMeminfo } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { percent } from '../severity.rules';

/**
 * `heap-limit`: the V8 heap limit against the memory the process may use (the cgroup limit, else
 * the machine's RAM). Above the limit is critical: the kernel's OOM killer ends the process before
 * V8 ever reports "heap out of memory". Above `thresholds.memoryUsedRatio` of it is a warning: no
 * room is left for buffers, native memory and code. This process only.
 * @example heapLimitCheck(ctx).run(snapshot)
 */
export function heapLimitCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'heap-limit', area: 'memory' };
  return {
    ...check,
    run(snapshot) {
      const heapLimit =
        snapshot.value(METRICS.heapLimitBytes) ?? ctx.heapStatistics().heap_size_limit;
      const cgroup =
        snapshot.value(METRICS.cgroupMemoryLimitBytes) ??
        readCgroupLimits({ procRoot: ctx.procRoot, cgroupRoot: ctx.cgroupRoot, pid: ctx.pid })
          .memoryLimitBytes;
      const ram = snapshot.value(METRICS.memTotalBytes) ?? readMeminfo(ctx.procRoot).MemTotal;
      const memory = cgroup !== undefined && (ram === undefined || cgroup < ram) ? cgroup : ram;
      if (memory === undefined)
        return [
          finding(check, 'info', `heap limit ${formatBytes(heapLimit)}; memory size unknown`),
        ];
      const what = memory === cgroup ? 'container memory limit' : 'machine memory';
      const ratio = heapLimit / memory;
      const t = ctx.thresholds.memoryUsedRatio;
      const severity = ratio > 1 ? 'critical' : ratio >= t ? 'warning' : 'ok';
      const suggested = Math.floor((memory * 0.75) / 1024 / 1024);
      return [
        finding(
          check,
          severity,
          `heap limit ${formatBytes(heapLimit)} is ${percent(ratio)} of the ${formatBytes(memory)} ${what}`,
          {
            figure: `${percent(ratio)}; warning ≥ ${percent(t)}, critical > 100%`,
            recommendation: `set NODE_OPTIONS=--max-old-space-size=${suggested} (75% of the ${what}) so V8 collects before the kernel kills the process`,
            data: {
              heapLimitBytes: heapLimit,
              memoryBytes: memory,
              ratio,
              limitedBy: memory === cgroup ? 'cgroup' : 'machine',
            },
          },
        ),
      ];
    },
  };
}
