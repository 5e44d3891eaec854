import { METRICS, readLoadavg } from '@vitals/core';
import type { Finding, HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { MACHINE } from '../process.subject';
import { grade, percent } from '../severity.rules';

/**
 * `cpu`: the 1-minute load per core against `thresholds.cpuRatio` (warning at it, critical at
 * twice it: twice as many runnable tasks as cores can serve), and the machine's CPU used ratio
 * (ratio rule: warning at `cpuRatio`, critical half-way to 100 %) when it was measured: over the
 * runner's `--pid`/`--watch` window, else monitor's last tick on a started host.
 * Both are the machine's (`machine: …`): load is divided by the machine's cores. The diagnosed
 * process's own CPU quota and throttling are the `cpu-quota` check's.
 * @example loadCheck(ctx).run(snapshot)
 */
export function loadCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'cpu', area: 'cpu' };
  return {
    ...check,
    run(snapshot) {
      const load1 = snapshot.value(METRICS.load1) ?? readLoadavg(ctx.procRoot)[0];
      const cores = snapshot.value(METRICS.cpuCount) ?? ctx.cores;
      const t = ctx.thresholds.cpuRatio;
      const perCore = load1 / cores;
      // Runnable tasks per core is a count, not a share: the absolute rule (critical at twice t).
      const { severity, figure } = grade(perCore, t, 'absolute', (n) => `${n.toFixed(2)}/core`);
      const out: Finding[] = [
        finding(
          check,
          severity,
          `${MACHINE}: load ${load1.toFixed(2)} on ${cores} cores (${perCore.toFixed(2)} per core)`,
          {
            figure,
            recommendation:
              'more tasks want CPU than there are cores: find the busy processes (`top`, `vitals ps`) or add cores; with the CPU mostly idle, tasks are stuck on disk or network I/O instead (`vmstat 1`, column b)',
            data: { scope: 'machine', load1, cores, perCore },
          },
        ),
      ];
      const used =
        ctx.cpuUsedRatio ??
        (ctx.collectorsRunning ? snapshot.value(METRICS.cpuUsedRatio) : undefined);
      if (used !== undefined) {
        const cpu = grade(used, t, 'ratio');
        out.push(
          finding(check, cpu.severity, `${MACHINE}: CPU ${percent(used)} used`, {
            figure: cpu.figure,
            recommendation: 'the CPU is saturated: find the busy processes or add cores',
            data: { scope: 'machine', cpuUsedRatio: used },
          }),
        );
      }
      return out;
    },
  };
}
