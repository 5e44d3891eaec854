import { METRICS, formatBytes } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { grade, percent } from '../severity.rules';

/**
 * `heap`: V8 heap used against the heap limit (`heap_size_limit`), graded with
 * `thresholds.memoryUsedRatio`. Reads monitor's `nodejs_heap_size_used_bytes` and memory's
 * `vitals_nodejs_heap_size_limit_bytes` when present, else `v8.getHeapStatistics()`.
 * This process only.
 * @example heapCheck(ctx).run(snapshot)
 */
export function heapCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'heap', area: 'memory' };
  return {
    ...check,
    run(snapshot) {
      let stats: ReturnType<CheckContext['heapStatistics']> | undefined;
      const heap = () => (stats ??= ctx.heapStatistics());
      const used = snapshot.value(METRICS.heapUsedBytes) ?? heap().used_heap_size;
      const limit = snapshot.value(METRICS.heapLimitBytes) ?? heap().heap_size_limit;
      const ratio = used / limit;
      const { severity, figure } = grade(ratio, ctx.thresholds.memoryUsedRatio, 'ratio');
      return [
        finding(
          check,
          severity,
          `heap ${formatBytes(used)} of its ${formatBytes(limit)} limit (${percent(ratio)})`,
          {
            figure: `${figure} of the V8 heap limit`,
            recommendation:
              'near the limit V8 collects constantly, then aborts with "heap out of memory": look for a leak (`vitals heap snapshot`, @vitals/memory) or raise --max-old-space-size within the container limit',
            data: { usedBytes: used, limitBytes: limit, ratio },
          },
        ),
      ];
    },
  };
}
