import { METRICS } from '@vitals/core';
import type { MetricDescriptor } from '@vitals/core';

/**
 * Metric names only the monitor produces (the shared ones live in core's `METRICS`).
 * @example stream.series$(MONITOR_METRICS.timeToExhaustion, { resource: 'disk' })
 */
export const MONITOR_METRICS = {
  /** Window p50/p90/p99 of an operation's duration, seconds {operation}. */
  operationP50: 'vitals_operation_duration_p50_seconds',
  operationP90: 'vitals_operation_duration_p90_seconds',
  operationP99: 'vitals_operation_duration_p99_seconds',
  /** Longest operation since the previous tick (0 when none ran), seconds {operation}. */
  operationMax: 'vitals_operation_duration_max_seconds',
  /** Projected time until memory or a filesystem is full {resource, mountpoint}: the most urgent credible fit (window ≥ ¼ of the horizon, R² ≥ 0.8); +Inf when none. */
  timeToExhaustion: 'vitals_time_to_exhaustion_seconds',
  /**
   * The same projection, only when confirmed: the resource is under real pressure (free below
   * `exhaustion.pressure` of its size) or the trend was seen for at least as long as the time
   * left; +Inf otherwise {resource, mountpoint}. The critical rules page on this one.
   */
  timeToExhaustionConfirmed: 'vitals_time_to_exhaustion_confirmed_seconds',
  /** Duration of a whole scheduler tick, seconds. */
  tickDuration: 'vitals_monitor_tick_duration_seconds',
  /** Alert deliveries that failed {kind: listener|webhook|command}. */
  alertDeliveryFailures: 'vitals_alert_delivery_failures_total',
} as const;

const d = (
  name: string,
  type: MetricDescriptor['type'],
  unit: string,
  help: string,
  labelNames?: string[],
): MetricDescriptor =>
  labelNames ? { name, type, unit, help, labelNames } : { name, type, unit, help };

const FS = ['device', 'mountpoint', 'fstype'];

/** Descriptors of the CPU collector. */
export const CPU_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(
    METRICS.cpuUsedRatio,
    'gauge',
    'ratio',
    'CPU utilisation of the machine since the previous tick (0-1)',
  ),
  d(
    METRICS.cpuCoreUsedRatio,
    'gauge',
    'ratio',
    'CPU utilisation per core since the previous tick (0-1)',
    ['cpu'],
  ),
  d(METRICS.cpuCount, 'gauge', 'count', 'Number of CPUs the machine reports'),
  d(METRICS.load1, 'gauge', 'count', '1-minute load average'),
  d(METRICS.load5, 'gauge', 'count', '5-minute load average'),
  d(METRICS.load15, 'gauge', 'count', '15-minute load average'),
  d(METRICS.cgroupCpuLimitCores, 'gauge', 'count', 'CPU quota of the cgroup, in cores'),
];

/** Descriptors of the memory collector. */
export const MEMORY_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(METRICS.memTotalBytes, 'gauge', 'bytes', 'Total usable memory (MemTotal)'),
  d(METRICS.memAvailableBytes, 'gauge', 'bytes', 'Memory available for new work (MemAvailable)'),
  d(METRICS.swapTotalBytes, 'gauge', 'bytes', 'Total swap'),
  d(METRICS.swapFreeBytes, 'gauge', 'bytes', 'Free swap'),
  d(METRICS.swapUsedBytes, 'gauge', 'bytes', 'Swap in use'),
  d(
    METRICS.memoryUsedRatio,
    'gauge',
    'ratio',
    'Memory used, against the cgroup limit when one is set (0-1)',
  ),
  d(METRICS.cgroupMemoryLimitBytes, 'gauge', 'bytes', 'Memory limit of the cgroup'),
  d(
    METRICS.cgroupMemoryUsageBytes,
    'gauge',
    'bytes',
    'Memory charged to the cgroup (page cache included)',
  ),
  d(
    METRICS.cgroupMemoryWorkingSetBytes,
    'gauge',
    'bytes',
    'Memory of the cgroup without reclaimable inactive file cache (what the OOM killer counts)',
  ),
];

/** Descriptors of the disk collector. */
export const DISK_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(METRICS.fsSizeBytes, 'gauge', 'bytes', 'Filesystem size', FS),
  d(METRICS.fsAvailBytes, 'gauge', 'bytes', 'Filesystem space available to unprivileged users', FS),
  d(METRICS.fsFiles, 'gauge', 'count', 'Filesystem inodes', FS),
  d(METRICS.fsFilesFree, 'gauge', 'count', 'Filesystem free inodes', FS),
  d(METRICS.fsUsedRatio, 'gauge', 'ratio', 'Filesystem space used, as df computes it (0-1)', FS),
];

/** Descriptors of the network collector. */
export const NETWORK_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(METRICS.netReceiveBytes, 'counter', 'bytes', 'Bytes received', ['device']),
  d(METRICS.netTransmitBytes, 'counter', 'bytes', 'Bytes sent', ['device']),
  d(METRICS.netReceiveErrors, 'counter', 'count', 'Receive errors', ['device']),
  d(METRICS.netTransmitErrors, 'counter', 'count', 'Transmit errors', ['device']),
];

/** Descriptors of the process collector (`pid` label only when watching another process). */
export const PROCESS_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(METRICS.processCpuSeconds, 'counter', 'seconds', 'User and system CPU time', ['pid']),
  d(METRICS.processCpuUserSeconds, 'counter', 'seconds', 'User CPU time', ['pid']),
  d(METRICS.processCpuSystemSeconds, 'counter', 'seconds', 'System CPU time', ['pid']),
  d(
    METRICS.processCpuRatio,
    'gauge',
    'ratio',
    'CPU used since the previous tick, 1 = one full core',
    ['pid'],
  ),
  d(METRICS.processRssBytes, 'gauge', 'bytes', 'Resident memory', ['pid']),
  d(METRICS.processVirtualBytes, 'gauge', 'bytes', 'Virtual memory', ['pid']),
  d(METRICS.processOpenFds, 'gauge', 'count', 'Open file descriptors', ['pid']),
  d(METRICS.processMaxFds, 'gauge', 'count', 'Open file descriptor limit (soft)', ['pid']),
  d(METRICS.processStartTimeSeconds, 'gauge', 'seconds', 'Start time, seconds since the epoch', [
    'pid',
  ]),
  d(METRICS.processThreads, 'gauge', 'count', 'OS threads', ['pid']),
  d(METRICS.processUptimeSeconds, 'gauge', 'seconds', 'Time since the process started', ['pid']),
];

/** Descriptors of the runtime collector. */
export const RUNTIME_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(
    METRICS.eventLoopLagMin,
    'gauge',
    'seconds',
    'Minimum event-loop delay since the previous tick',
  ),
  d(
    METRICS.eventLoopLagMax,
    'gauge',
    'seconds',
    'Maximum event-loop delay since the previous tick',
  ),
  d(METRICS.eventLoopLagMean, 'gauge', 'seconds', 'Mean event-loop delay since the previous tick'),
  d(METRICS.eventLoopLagP50, 'gauge', 'seconds', 'Median event-loop delay since the previous tick'),
  d(
    METRICS.eventLoopLagP90,
    'gauge',
    'seconds',
    '90th percentile event-loop delay since the previous tick',
  ),
  d(
    METRICS.eventLoopLagP99,
    'gauge',
    'seconds',
    '99th percentile event-loop delay since the previous tick',
  ),
  d(
    METRICS.eventLoopUtilization,
    'gauge',
    'ratio',
    'Event-loop utilisation since the previous tick (0-1)',
  ),
  d(METRICS.activeHandles, 'gauge', 'count', 'Active libuv handles by type', ['type']),
  d(METRICS.activeHandlesTotal, 'gauge', 'count', 'Active libuv handles'),
  d(METRICS.activeRequests, 'gauge', 'count', 'Active libuv requests by type', ['type']),
  d(METRICS.activeRequestsTotal, 'gauge', 'count', 'Active libuv requests'),
  d(METRICS.heapTotalBytes, 'gauge', 'bytes', 'V8 heap size'),
  d(METRICS.heapUsedBytes, 'gauge', 'bytes', 'V8 heap used'),
  d(METRICS.externalBytes, 'gauge', 'bytes', 'Memory of C++ objects bound to JavaScript objects'),
  d(METRICS.arrayBuffersBytes, 'gauge', 'bytes', 'Memory of ArrayBuffers and SharedArrayBuffers'),
  d(METRICS.versionInfo, 'gauge', 'count', 'Node.js version', [
    'version',
    'major',
    'minor',
    'patch',
  ]),
];

/** Descriptors of application timers (counters and gauges are declared when created). */
export const APP_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(METRICS.operationDuration, 'histogram', 'seconds', 'Duration of application operations', [
    'operation',
  ]),
  d(MONITOR_METRICS.operationP50, 'gauge', 'seconds', 'Median duration of recent operations', [
    'operation',
  ]),
  d(
    MONITOR_METRICS.operationP90,
    'gauge',
    'seconds',
    '90th percentile duration of recent operations',
    ['operation'],
  ),
  d(
    MONITOR_METRICS.operationP99,
    'gauge',
    'seconds',
    '99th percentile duration of recent operations',
    ['operation'],
  ),
  d(MONITOR_METRICS.operationMax, 'gauge', 'seconds', 'Longest operation since the previous tick', [
    'operation',
  ]),
];

/** Descriptors of the trend collector. */
export const TREND_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(
    MONITOR_METRICS.timeToExhaustion,
    'gauge',
    'seconds',
    'Projected time until the resource is full (credible fits only; +Inf when none)',
    ['resource', 'mountpoint'],
  ),
  d(
    MONITOR_METRICS.timeToExhaustionConfirmed,
    'gauge',
    'seconds',
    'Projected time until the resource is full, when under pressure or seen for as long as the time left (+Inf otherwise)',
    ['resource', 'mountpoint'],
  ),
];

/** Descriptors of the scheduler's own metrics. */
export const SCHEDULER_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(
    METRICS.collectorErrors,
    'counter',
    'count',
    'Collector runs that threw or missed their deadline',
    ['collector'],
  ),
  d(METRICS.collectorDuration, 'gauge', 'seconds', 'Duration of the collector on the last tick', [
    'collector',
  ]),
  d(MONITOR_METRICS.tickDuration, 'gauge', 'seconds', 'Duration of the last scheduler tick'),
];

/** Descriptors of the alert dispatcher. */
export const ALERT_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(
    MONITOR_METRICS.alertDeliveryFailures,
    'counter',
    'count',
    'Alert deliveries (onAlert listener, webhook, command) that failed',
    ['kind'],
  ),
];
