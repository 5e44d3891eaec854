export { monitorPlugin } from './monitor.plugin';
export { monitorConfigSchema } from './monitor.options';
export type { MonitorOptions, MonitorConfig } from './monitor.options';
export { MONITOR } from './monitor.tokens';
export type { MonitorService } from './monitor.tokens';
export { Monitor } from './monitor.service';
export { MONITOR_METRICS } from './monitor.metrics';
export type { MonitorErrorCode } from './monitor.errors';
export { buildCollectors } from './monitor.collectors';
export type { BuiltCollectors } from './monitor.collectors';
export { CpuCollector } from './collectors/cpu.collector';
export type { CpuCollectorOptions } from './collectors/cpu.collector';
export { MemoryCollector } from './collectors/memory.collector';
export type { MemoryCollectorOptions } from './collectors/memory.collector';
export { DiskCollector } from './collectors/disk.collector';
export type { DiskCollectorOptions } from './collectors/disk.collector';
export { NetworkCollector } from './collectors/network.collector';
export type { NetworkCollectorOptions } from './collectors/network.collector';
export { ProcessCollector } from './collectors/process.collector';
export type { ProcessCollectorOptions } from './collectors/process.collector';
export { RuntimeCollector } from './collectors/runtime.collector';
export type { RuntimeCollectorOptions } from './collectors/runtime.collector';
export { CollectScheduler } from './scheduler/collect.scheduler';
export type { SchedulerOptions, TickReport } from './scheduler/collect.scheduler';
export { defaultAlertRules } from './alerts/default.rules';
export { AlertDispatcher } from './alerts/alert.dispatcher';
export type { AlertListener, AlertDispatcherOptions } from './alerts/alert.dispatcher';
export { postWebhook, runCommand } from './alerts/alert.notifiers';
export { AlertmanagerNotifier } from './alerts/alertmanager.notifier';
export type {
  AlertmanagerTarget,
  AlertSource,
  PostableAlert,
} from './alerts/alertmanager.notifier';
export { HostCollector } from './collectors/host.collector';
export type { HostCollectorOptions } from './collectors/host.collector';
export { DiskStatsCollector } from './collectors/diskstats.collector';
export type { DiskStatsCollectorOptions } from './collectors/diskstats.collector';
export {
  EventLoopDelayHistogram,
  EVENT_LOOP_DELAY_BUCKETS,
} from './collectors/event-loop.histogram';
export type { WebhookTarget, CommandTarget } from './alerts/alert.notifiers';
export { TrendAnalyzer, fitTrend } from './trends/trend.analyzer';
export type { Trend } from './trends/trend.analyzer';
export { ExhaustionCollector } from './trends/exhaustion.collector';
export type { ExhaustionOptions } from './trends/exhaustion.collector';
export { projectExhaustion } from './trends/exhaustion.projection';
export type { Projection, ProjectionPolicy } from './trends/exhaustion.projection';
export { AppMetrics } from './app/app.metrics';
export type { AppCounter, AppGauge } from './app/app.metrics';
export { monitorCommand } from './cli/monitor.command';
export { TargetCgroupCollector, CGROUP_CPU_METRICS } from './cli/target-cgroup.collector';
export type { TargetCgroupOptions } from './cli/target-cgroup.collector';
