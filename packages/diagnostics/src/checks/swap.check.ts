import { METRICS, formatBytes, readMeminfo } from '@vitals/core';
import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { MACHINE } from '../process.subject';
import { grade } from '../severity.rules';

/**
 * `swap`: swap in use on the machine (`machine: …`), graded with `thresholds.swapUsedBytes` (monitor's
 * `vitals_system_swap_used_bytes`, else `/proc/meminfo` SwapTotal − SwapFree).
 * @example swapCheck(ctx).run(snapshot)
 */
export function swapCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'swap', area: 'memory' };
  return {
    ...check,
    run(snapshot) {
      let used = snapshot.value(METRICS.swapUsedBytes);
      const source = used !== undefined ? 'snapshot' : 'direct';
      const info = readMeminfo(ctx.procRoot);
      const total = snapshot.value(METRICS.swapTotalBytes) ?? info.SwapTotal;
      if (used === undefined && total !== undefined && info.SwapFree !== undefined)
        used = total - info.SwapFree;
      if (used === undefined)
        return [finding(check, 'info', `${MACHINE}: swap figures unavailable (no /proc/meminfo)`)];
      if (!total)
        return [
          finding(check, 'ok', `${MACHINE}: no swap configured`, {
            data: { usedBytes: 0, totalBytes: 0, source },
          }),
        ];
      const { severity, figure } = grade(
        used,
        ctx.thresholds.swapUsedBytes,
        'absolute',
        formatBytes,
      );
      return [
        finding(
          check,
          severity,
          `${MACHINE}: ${formatBytes(used)} of ${formatBytes(total)} swap in use`,
          {
            figure,
            recommendation:
              'the machine is short of memory and pages to disk (slow, erratic latency): reduce memory use or add RAM',
            data: { usedBytes: used, totalBytes: total, source },
          },
        ),
      ];
    },
  };
}
