import { METRICS, readCgroupLimits, readLoadavg } from '@vitals/core';
import type { Finding, HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { criticalRatio, gradeRatio, percent } from '../severity.rules';

/**
 * `cpu`: the 1-minute load per core against `thresholds.cpuRatio` (warning at it, critical at
 * twice it: twice as many runnable tasks as cores can serve), and, when @vitals/monitor is
 * installed, the CPU used ratio (ratio rule: warning at `cpuRatio`, critical half-way to 100 %).
 * Load is machine-wide, so it is divided by the machine's cores; a cgroup CPU quota is shown beside.
 * @example loadCheck(ctx).run(snapshot)
 */
export function loadCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'cpu', area: 'cpu' };
  return {
    ...check,
    run(snapshot) {
      const load1 = snapshot.value(METRICS.load1) ?? readLoadavg(ctx.procRoot)[0];
      const cores = snapshot.value(METRICS.cpuCount) ?? ctx.cores;
      const quota =
        snapshot.value(METRICS.cgroupCpuLimitCores) ??
        readCgroupLimits({ procRoot: ctx.procRoot, cgroupRoot: ctx.cgroupRoot, pid: ctx.pid })
          .cpuLimitCores;
      const t = ctx.thresholds.cpuRatio;
      const perCore = load1 / cores;
      const severity = perCore >= 2 * t ? 'critical' : perCore >= t ? 'warning' : 'ok';
      const out: Finding[] = [
        finding(
          check,
          severity,
          `load ${load1.toFixed(2)} on ${cores} cores (${perCore.toFixed(2)} per core)${quota !== undefined ? `, cgroup quota ${quota} cores` : ''}`,
          {
            figure: `${perCore.toFixed(2)} per core; warning ≥ ${t}, critical ≥ ${2 * t}`,
            recommendation:
              'more tasks want CPU than there are cores: find the busy processes (`top`, `vitals ps`) or add cores',
            data: { load1, cores, perCore, cpuLimitCores: quota },
          },
        ),
      ];
      const used = snapshot.value(METRICS.cpuUsedRatio);
      if (used !== undefined) {
        out.push(
          finding(check, gradeRatio(used, t), `CPU ${percent(used)} used`, {
            figure: `${percent(used)}; warning ≥ ${percent(t)}, critical ≥ ${percent(criticalRatio(t))}`,
            recommendation: 'the CPU is saturated: find the busy processes or add cores',
            data: { cpuUsedRatio: used },
          }),
        );
      }
      return out;
    },
  };
}
