import { METRICS } from '@vitals/core';
import type { AlertRuleInput, Thresholds } from '@vitals/core';
import { unknownRule } from '../monitor.errors';
import { CGROUP_CPU_METRICS } from '../cli/target-cgroup.collector';
import { MONITOR_METRICS } from '../monitor.metrics';
import type { MonitorConfig } from '../monitor.options';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The critical point of a ratio threshold, as diagnostics grades it: half-way to 1 (0.8 → 0.9). */
const halfwayToOne = (ratio: number): number => ratio + (1 - ratio) / 2;

/**
 * The default alert rules, built from the shared `thresholds` (so an alert and a diagnostics
 * report agree), with the config's overrides applied and removed rules left out. Every rule has
 * a clear threshold `hysteresis` away from its trigger so a value at the line does not flap.
 * Rule ids: memory-used, swap-used, cpu-used, disk-used, open-fds, open-fds-limit, open-fds-limit-critical,
 * cpu-container-limit, cpu-throttled, threads, rss-container-limit, event-loop-delay, operation-slow,
 * memory-exhaustion-warning, memory-exhaustion-critical, disk-exhaustion-warning, disk-exhaustion-critical.
 *
 * With `pid` (another process watched, `vitals monitor --pid`), the process and container rules
 * match that process's `{pid}` series and compare with its own limits (its fd limit, its cgroup's
 * memory limit and CPU quota). The runtime rule (event-loop delay) matches every series of the
 * metric: the host's own (no labels) and each supervised service's (`{service, pid}`), and the
 * alert carries the series' labels, so a slow child alerts as `{service="api"}`.
 *
 * @throws VitalsError ERR_MONITOR_UNKNOWN_RULE when an override names no default rule.
 * @example defaultAlertRules(config.thresholds, monitorConfig).forEach((r) => engine.addRule(r));
 */
export function defaultAlertRules(
  t: Thresholds,
  config: Pick<MonitorConfig, 'alerts' | 'exhaustion'> & { readonly pid?: number },
): AlertRuleInput[] {
  const h = config.alerts.hysteresis;
  // Another process's series carry a `pid` label (see ProcessCollector): the process rules and
  // the limits they are relative to must name it, or a relative rule finds no limit.
  const proc =
    config.pid !== undefined && config.pid !== process.pid
      ? { labels: { pid: String(config.pid) } }
      : {};
  const above = (threshold: number) => ({
    op: '>' as const,
    threshold,
    clear: threshold * (1 - h),
  });
  const below = (threshold: number) => ({
    op: '<' as const,
    threshold,
    clear: threshold * (1 + h),
  });
  const pct = (r: number) => `${Math.round(r * 100)} %`;
  const hours = (ms: number) => `${Math.round(ms / 3_600_000)} h`;
  const rules: Mutable<AlertRuleInput>[] = [
    {
      id: 'memory-used',
      metric: METRICS.memoryUsedRatio,
      ...above(t.memoryUsedRatio),
      for: '1m',
      cooldown: '10m',
      severity: 'warning',
      summary: `Memory used above ${pct(t.memoryUsedRatio)}`,
    },
    {
      id: 'swap-used',
      metric: METRICS.swapUsedBytes,
      ...above(t.swapUsedBytes),
      for: '1m',
      cooldown: '10m',
      severity: 'warning',
      summary: `Swap in use above ${Math.round(t.swapUsedBytes / 1048576)} MB`,
    },
    {
      id: 'cpu-used',
      metric: METRICS.cpuUsedRatio,
      ...above(t.cpuRatio),
      for: '2m',
      cooldown: '10m',
      severity: 'warning',
      summary: `CPU above ${pct(t.cpuRatio)}`,
    },
    {
      id: 'disk-used',
      metric: METRICS.fsUsedRatio,
      ...above(t.diskUsedRatio),
      for: '1m',
      cooldown: '30m',
      severity: 'warning',
      summary: `Disk used above ${pct(t.diskUsedRatio)}`,
    },
    {
      id: 'open-fds',
      metric: METRICS.processOpenFds,
      ...proc,
      ...above(t.openFds),
      for: '30s',
      cooldown: '10m',
      severity: 'warning',
      summary: `More than ${t.openFds} open file descriptors`,
    },
    // Relative to a limit: the process's own RLIMIT_NOFILE and the container's memory limit.
    // Warning at thresholds.openFdsLimitRatio, critical half-way to the limit: the same grades as
    // diagnostics' fds check.
    {
      id: 'open-fds-limit',
      metric: METRICS.processOpenFds,
      ...proc,
      ...above(t.openFdsLimitRatio),
      relativeTo: { metric: METRICS.processMaxFds, ...proc },
      cooldown: '10m',
      severity: 'warning',
      summary: `Open file descriptors above ${pct(t.openFdsLimitRatio)} of the limit`,
    },
    {
      id: 'open-fds-limit-critical',
      metric: METRICS.processOpenFds,
      ...proc,
      ...above(halfwayToOne(t.openFdsLimitRatio)),
      relativeTo: { metric: METRICS.processMaxFds, ...proc },
      cooldown: '10m',
      severity: 'critical',
      summary: `Open file descriptors above ${pct(halfwayToOne(t.openFdsLimitRatio))} of the limit`,
    },
    // In a container with a CPU quota the machine can look idle while the process is throttled.
    {
      id: 'cpu-container-limit',
      metric: METRICS.processCpuRatio,
      ...proc,
      ...above(t.cpuRatio),
      // Another pid's quota is its own cgroup's, published with its pid label.
      relativeTo: { metric: METRICS.cgroupCpuLimitCores, ...proc },
      for: '2m',
      cooldown: '10m',
      severity: 'warning',
      summary: `Process CPU above ${pct(t.cpuRatio)} of the container's CPU quota`,
    },
    // kubernetes-mixin's CPUThrottlingHigh: a quarter of the CFS periods throttled, for a while.
    {
      id: 'cpu-throttled',
      metric: CGROUP_CPU_METRICS.throttledRatio,
      ...proc,
      ...above(0.25),
      for: '5m',
      cooldown: '30m',
      severity: 'warning',
      summary: 'CPU throttled in more than 25 % of periods by the cgroup quota',
    },
    {
      id: 'threads',
      metric: METRICS.processThreads,
      ...proc,
      ...above(t.threads),
      for: '30s',
      cooldown: '10m',
      severity: 'warning',
      summary: `More than ${t.threads} threads`,
    },
    {
      id: 'rss-container-limit',
      metric: METRICS.processRssBytes,
      ...proc,
      ...above(0.9),
      // Another pid's limit is its own cgroup's, published with its pid label.
      relativeTo: { metric: METRICS.cgroupMemoryLimitBytes, ...proc },
      for: '30s',
      cooldown: '10m',
      severity: 'critical',
      summary: 'Process memory above 90 % of the container limit',
    },
    // No labels on purpose: one alert per series, the host's and each `{service}`'s.
    {
      id: 'event-loop-delay',
      metric: METRICS.eventLoopLagP99,
      ...above(t.eventLoopDelayP99Ms / 1000),
      for: '10s',
      cooldown: '5m',
      severity: 'warning',
      summary: `Event-loop delay p99 above ${t.eventLoopDelayP99Ms} ms`,
    },
    // The longest call of each tick, so one slow external call is enough.
    {
      id: 'operation-slow',
      metric: MONITOR_METRICS.operationMax,
      ...above(t.operationMs / 1000),
      cooldown: '5m',
      severity: 'warning',
      summary: `Operation slower than ${t.operationMs} ms`,
    },
  ];
  if (config.exhaustion.enabled) {
    const { warning, critical } = config.exhaustion;
    // Both on projections the collector found credible (window ≥ ¼ of the horizon, R² ≥ 0.8);
    // the critical one pages only when the projection is confirmed: the resource is under real
    // pressure, or the trend was seen for as long as the time it leaves (issue 11).
    for (const resource of ['memory', 'disk'] as const) {
      const what = resource === 'memory' ? 'Memory' : 'Disk';
      rules.push(
        {
          id: `${resource}-exhaustion-warning`,
          metric: MONITOR_METRICS.timeToExhaustion,
          labels: { resource },
          ...below(warning / 1000),
          for: '15m',
          cooldown: '1h',
          severity: 'warning',
          summary: `${what} projected full within ${hours(warning)}`,
        },
        {
          id: `${resource}-exhaustion-critical`,
          metric: MONITOR_METRICS.timeToExhaustionConfirmed,
          labels: { resource },
          ...below(critical / 1000),
          for: '10m',
          cooldown: '1h',
          severity: 'critical',
          summary: `${what} projected full within ${hours(critical)}, under pressure`,
        },
      );
    }
  }
  const ids = rules.map((r) => r.id);
  const out: AlertRuleInput[] = [];
  for (const id of Object.keys(config.alerts.rules)) {
    if (!ids.includes(id)) throw unknownRule(id, ids);
  }
  for (const rule of rules) {
    const override = config.alerts.rules[rule.id];
    if (override === false) continue;
    if (override) {
      // A new trigger without a new clear keeps the same hysteresis.
      const clear =
        override.clear ??
        (override.threshold !== undefined
          ? override.threshold * (rule.op === '>' ? 1 - h : 1 + h)
          : rule.clear);
      out.push({ ...rule, ...stripUndefined(override), clear });
    } else {
      out.push(rule);
    }
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
