import { METRICS, formatDuration } from '@vitals/core';
import type { CgroupLimits, HealthCheck, Severity } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { rate } from '../process.sampler';
import { grade, percent, worse } from '../severity.rules';

/**
 * Share of CFS periods throttled from which a process is graded warning: kubernetes-mixin's
 * `CPUThrottlingHigh` line (25 %). Throttled work waits for the next period (100 ms by default),
 * so request latency grows in steps of the period.
 */
export const THROTTLED_WARNING_RATIO = 0.25;

/** Throttling over the run's window when counters were read at its start, else since creation. */
function throttling(
  now: CgroupLimits,
  start: CheckContext['cgroupAtStart'],
  nowMs: number,
): { periods: number; throttled: number; seconds: number; overMs?: number } | undefined {
  const { cpuPeriods: p, cpuThrottledPeriods: t, cpuThrottledSeconds: s } = now;
  if (p === undefined || t === undefined) return undefined;
  const before = start?.limits;
  if (
    start !== undefined &&
    before?.cpuPeriods !== undefined &&
    before.cpuThrottledPeriods !== undefined &&
    p - before.cpuPeriods > 0 &&
    nowMs > start.at
  ) {
    return {
      periods: p - before.cpuPeriods,
      throttled: Math.max(0, t - before.cpuThrottledPeriods),
      seconds: Math.max(0, (s ?? 0) - (before.cpuThrottledSeconds ?? 0)),
      overMs: nowMs - start.at,
    };
  }
  return { periods: p, throttled: t, seconds: s ?? 0 };
}

/**
 * `cpu-quota`: the diagnosed process's cgroup CPU quota (`cpu.max`, v1 `cpu.cfs_quota_us` /
 * `cpu.cfs_period_us`, the smallest on its cgroup path) and throttling (`cpu.stat` `nr_periods`,
 * `nr_throttled`, `throttled_usec`/`throttled_time` of the cgroup that sets the quota), read from
 * the process's own `/proc/<pid>/cgroup`, never the diagnosing process's.
 * - the process's CPU (over the `--pid`/`--watch` samples; for this process on a started host,
 *   monitor's last tick) against the quota: ratio rule on `thresholds.cpuRatio`;
 * - throttled periods (over the run's window when it sampled, else since the cgroup was created):
 *   warning from {@link THROTTLED_WARNING_RATIO}.
 * Without a quota: one ok finding saying so.
 * @example cpuQuotaCheck(ctx).run(snapshot)
 */
export function cpuQuotaCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'cpu-quota', area: 'cpu' };
  return {
    ...check,
    run(snapshot) {
      const cg = ctx.cgroup();
      const quota = cg.cpuLimitCores;
      const thr = throttling(cg, ctx.cgroupAtStart, ctx.now());
      if (quota === undefined && !thr?.throttled) {
        return [
          finding(check, 'ok', `${ctx.subject}: no cgroup CPU quota`, {
            data: { scope: 'process', pid: ctx.pid, cpuLimitCores: null },
          }),
        ];
      }
      const used =
        rate(ctx.samples, (s) => s.cpuSeconds) ??
        (ctx.self && ctx.collectorsRunning ? snapshot.value(METRICS.processCpuRatio) : undefined);
      let severity: Severity = 'ok';
      const parts: string[] = [];
      const figures: string[] = [];
      if (quota !== undefined) {
        parts.push(`CPU quota ${+quota.toFixed(3)} core${quota === 1 ? '' : 's'}`);
        if (used !== undefined) {
          const g = grade(used / quota, ctx.thresholds.cpuRatio, 'ratio');
          severity = worse(severity, g.severity);
          parts.push(`using ${used.toFixed(2)} (${percent(used / quota)} of it)`);
          figures.push(`quota used ${g.figure}`);
        }
      }
      let throttledRatio: number | undefined;
      if (thr && thr.periods > 0) {
        throttledRatio = thr.throttled / thr.periods;
        const over =
          thr.overMs !== undefined
            ? `over ${formatDuration(thr.overMs)}`
            : 'since the cgroup was created';
        parts.push(
          `throttled in ${percent(throttledRatio)} of periods (${thr.throttled} of ${thr.periods}) ${over}, ${thr.seconds.toFixed(2)} s throttled`,
        );
        if (throttledRatio >= THROTTLED_WARNING_RATIO) severity = worse(severity, 'warning');
        figures.push(
          `throttled ${percent(throttledRatio)} of periods; warning ≥ ${percent(THROTTLED_WARNING_RATIO)}`,
        );
      }
      return [
        finding(check, severity, `${ctx.subject}: ${parts.join('; ')}`, {
          figure: figures.join('; ') || undefined,
          recommendation:
            'the process uses all the CPU its cgroup may: raise the quota (`CPUQuota=` in the systemd unit, `--cpus` in Docker, `resources.limits.cpu` in Kubernetes) or make it do less per request',
          data: {
            scope: 'process',
            pid: ctx.pid,
            cgroup: cg.cpuPath ?? cg.path,
            cpuLimitCores: quota ?? null,
            cpuUsedCores: used,
            periods: thr?.periods,
            throttledPeriods: thr?.throttled,
            throttledSeconds: thr?.seconds,
            throttledRatio,
            windowMs: thr?.overMs ?? null,
          },
        }),
      ];
    },
  };
}
