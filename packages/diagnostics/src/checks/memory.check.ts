import { METRICS, formatBytes, readMeminfo } from '@vitals/core';
import type { Finding, HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { MACHINE } from '../process.subject';
import { grade, percent } from '../severity.rules';

const RECOMMENDATION =
  'find what grows (`vitals diagnose --pid N --watch 30` on the biggest processes), lower heap limits, or give the machine/container more memory';

/**
 * `memory`: up to two findings, each saying whose figure it is, both graded with
 * `thresholds.memoryUsedRatio`:
 * - `machine`: (MemTotal − MemAvailable) / MemTotal, from monitor's `node_memory_*` samples when
 *   present, else `/proc/meminfo`;
 * - the diagnosed process's cgroup (`pid 1234 (node bot.js)`), when it has a memory limit below
 *   the machine's memory: its working set (usage − inactive file cache, what the OOM killer
 *   counts; v2 `memory.current`/`memory.stat`, v1 `memory.usage_in_bytes`/`total_inactive_file`)
 *   against the smallest `memory.max`/`memory.limit_in_bytes` on its cgroup path. Read from
 *   `/proc/<pid>/cgroup` of the diagnosed process, never the diagnosing one's.
 * @example memoryCheck(ctx).run(snapshot)
 */
export function memoryCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'memory', area: 'memory' };
  return {
    ...check,
    run(snapshot) {
      const out: Finding[] = [];
      const info = readMeminfo(ctx.procRoot);
      const fromSnapshot = snapshot.has(METRICS.memTotalBytes);
      const total = snapshot.value(METRICS.memTotalBytes) ?? info.MemTotal;
      const available = snapshot.value(METRICS.memAvailableBytes) ?? info.MemAvailable;
      if (total !== undefined && total > 0 && available !== undefined) {
        const used = Math.max(0, total - available);
        const ratio = used / total;
        const { severity, figure } = grade(ratio, ctx.thresholds.memoryUsedRatio, 'ratio');
        out.push(
          finding(
            check,
            severity,
            `${MACHINE}: memory ${percent(ratio)} used (${formatBytes(used)} of ${formatBytes(total)}), ${formatBytes(available)} available`,
            {
              figure: `${figure} used`,
              recommendation: RECOMMENDATION,
              data: {
                scope: 'machine',
                ratio,
                usedBytes: used,
                limitBytes: total,
                availableBytes: available,
                source: fromSnapshot ? 'snapshot' : 'direct',
              },
            },
          ),
        );
      } else {
        out.push(
          finding(
            check,
            'info',
            `${MACHINE}: memory figures unavailable (no /proc/meminfo on this system)`,
          ),
        );
      }
      const cg = ctx.cgroup();
      const limit = cg.memoryLimitBytes;
      if (limit === undefined || limit <= 0 || (total !== undefined && limit >= total)) return out;
      const inUse = cg.memoryWorkingSetBytes ?? cg.memoryUsageBytes;
      const data = {
        scope: 'container',
        pid: ctx.pid,
        cgroup: cg.path,
        limitBytes: limit,
        usageBytes: cg.memoryUsageBytes,
        workingSetBytes: cg.memoryWorkingSetBytes,
        source: 'cgroup',
      };
      if (inUse === undefined) {
        out.push(
          finding(
            check,
            'info',
            `${ctx.subject}: container memory limit ${formatBytes(limit)}; its usage cannot be read`,
            { data },
          ),
        );
        return out;
      }
      const ratio = inUse / limit;
      const { severity, figure } = grade(ratio, ctx.thresholds.memoryUsedRatio, 'ratio');
      out.push(
        finding(
          check,
          severity,
          `${ctx.subject}: container memory ${percent(ratio)} used (${formatBytes(inUse)} of its ${formatBytes(limit)} limit), ${formatBytes(Math.max(0, limit - inUse))} left`,
          {
            figure: `${figure} of the cgroup limit (working set: usage minus reclaimable page cache)`,
            recommendation: `the kernel OOM-kills processes of this cgroup at 100%: find what grows (\`vitals diagnose --pid ${ctx.pid} --watch 30\`), lower its heap limit, or raise the container's memory limit`,
            data: { ...data, ratio, usedBytes: inUse },
          },
        ),
      );
      return out;
    },
  };
}
