import { METRICS, formatBytes } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { gradeAgainstLimit, percent } from '../severity.rules';
import { memoryBudget, suggestedHeapMb } from './memory.budget';

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
      const budget = memoryBudget(ctx, snapshot);
      if (budget === undefined)
        return [
          finding(check, 'info', `heap limit ${formatBytes(heapLimit)}; memory size unknown`),
        ];
      const ratio = heapLimit / budget.bytes;
      const { severity, figure } = gradeAgainstLimit(ratio, ctx.thresholds.memoryUsedRatio);
      return [
        finding(
          check,
          severity,
          `heap limit ${formatBytes(heapLimit)} is ${percent(ratio)} of the ${formatBytes(budget.bytes)} ${budget.what}`,
          {
            figure,
            recommendation: `set NODE_OPTIONS=--max-old-space-size=${suggestedHeapMb(budget)} (75% of the ${budget.what}) so V8 collects before the kernel kills the process`,
            data: {
              heapLimitBytes: heapLimit,
              memoryBytes: budget.bytes,
              ratio,
              limitedBy: budget.limitedBy,
            },
          },
        ),
      ];
    },
  };
}
