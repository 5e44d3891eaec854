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

/** node_exporter's pressure-stall families (`/proc/pressure/*`). */
export const PRESSURE_METRICS = {
  cpuWaiting: 'node_pressure_cpu_waiting_seconds_total',
  ioWaiting: 'node_pressure_io_waiting_seconds_total',
  ioStalled: 'node_pressure_io_stalled_seconds_total',
  memoryWaiting: 'node_pressure_memory_waiting_seconds_total',
  memoryStalled: 'node_pressure_memory_stalled_seconds_total',
} as const;

/** Descriptors of the host collector (identity, clocks, pressure). */
export const HOST_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(
    METRICS.nodeUnameInfo,
    'gauge',
    'count',
    'Labeled system information as provided by the uname system call',
    ['sysname', 'release', 'version', 'machine', 'nodename', 'domainname'],
  ),
  d(METRICS.nodeBootTimeSeconds, 'gauge', 'seconds', 'Node boot time, in unixtime'),
  d(METRICS.nodeTimeSeconds, 'gauge', 'seconds', 'System time in seconds since epoch (1970)'),
  d(
    PRESSURE_METRICS.cpuWaiting,
    'counter',
    'seconds',
    'Total time in seconds that processes have waited for CPU time',
  ),
  d(
    PRESSURE_METRICS.ioWaiting,
    'counter',
    'seconds',
    'Total time in seconds that processes have waited due to IO congestion',
  ),
  d(
    PRESSURE_METRICS.ioStalled,
    'counter',
    'seconds',
    'Total time in seconds no process could make progress due to IO congestion',
  ),
  d(
    PRESSURE_METRICS.memoryWaiting,
    'counter',
    'seconds',
    'Total time in seconds that processes have waited for memory',
  ),
  d(
    PRESSURE_METRICS.memoryStalled,
    'counter',
    'seconds',
    'Total time in seconds no process could make progress due to memory congestion',
  ),
];

/** One `/proc/diskstats` column as node_exporter names it. */
export interface DiskStatsField {
  readonly name: string;
  /** 0-based column of the line (major, minor and name are 0–2). */
  readonly column: number;
  /** Multiplier to the exported unit (sectors → bytes, ms → seconds). */
  readonly scale: number;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
}

const df = (
  name: string,
  column: number,
  scale: number,
  help: string,
  type: 'counter' | 'gauge' = 'counter',
): DiskStatsField => ({ name, column, scale, help, type });

/** `/proc/diskstats` columns (kernel iostats.rst) in node_exporter 1.5's names and units. */
export const DISKSTATS_FIELDS: readonly DiskStatsField[] = [
  df('node_disk_reads_completed_total', 3, 1, 'The total number of reads completed successfully'),
  df('node_disk_reads_merged_total', 4, 1, 'The total number of reads merged'),
  df('node_disk_read_bytes_total', 5, 512, 'The total number of bytes read successfully'),
  df(
    'node_disk_read_time_seconds_total',
    6,
    0.001,
    'The total number of seconds spent by all reads',
  ),
  df('node_disk_writes_completed_total', 7, 1, 'The total number of writes completed successfully'),
  df('node_disk_writes_merged_total', 8, 1, 'The number of writes merged'),
  df('node_disk_written_bytes_total', 9, 512, 'The total number of bytes written successfully'),
  df(
    'node_disk_write_time_seconds_total',
    10,
    0.001,
    'This is the total number of seconds spent by all writes',
  ),
  df('node_disk_io_now', 11, 1, 'The number of I/Os currently in progress', 'gauge'),
  df('node_disk_io_time_seconds_total', 12, 0.001, 'Total seconds spent doing I/Os'),
  df(
    'node_disk_io_time_weighted_seconds_total',
    13,
    0.001,
    'The weighted # of seconds spent doing I/Os',
  ),
  df(
    'node_disk_discards_completed_total',
    14,
    1,
    'The total number of discards completed successfully',
  ),
  df('node_disk_discards_merged_total', 15, 1, 'The total number of discards merged'),
  df(
    'node_disk_discarded_sectors_total',
    16,
    1,
    'The total number of sectors discarded successfully',
  ),
  df(
    'node_disk_discard_time_seconds_total',
    17,
    0.001,
    'This is the total number of seconds spent by all discards',
  ),
  df(
    'node_disk_flush_requests_total',
    18,
    1,
    'The total number of flush requests completed successfully',
  ),
  df(
    'node_disk_flush_requests_time_seconds_total',
    19,
    0.001,
    'This is the total number of seconds spent by all flush requests',
  ),
];

/** Descriptors of the disk I/O collector. */
export const DISKSTATS_DESCRIPTORS: readonly MetricDescriptor[] = DISKSTATS_FIELDS.map((f) =>
  d(f.name, f.type, f.scale === 512 ? 'bytes' : f.scale === 0.001 ? 'seconds' : 'count', f.help, [
    'device',
  ]),
);

/** `/proc/net/dev` columns after the colon, in order, as node_exporter names them. */
export const NET_DEV_FIELDS: readonly string[] = [
  'receive_bytes',
  'receive_packets',
  'receive_errs',
  'receive_drop',
  'receive_fifo',
  'receive_frame',
  'receive_compressed',
  'receive_multicast',
  'transmit_bytes',
  'transmit_packets',
  'transmit_errs',
  'transmit_drop',
  'transmit_fifo',
  'transmit_colls',
  'transmit_carrier',
  'transmit_compressed',
];

/**
 * A `/proc/meminfo` field under node_exporter's name: `Active(anon)` → `node_memory_Active_anon_bytes`;
 * fields without `kB` (`HugePages_Total`) have no `_bytes`.
 */
export function meminfoMetricName(field: string, bytes: boolean): string {
  const clean = field.replace(/\((.*)\)/, '_$1').replace(/[^a-zA-Z0-9_]/g, '_');
  return `node_memory_${clean}${bytes ? '_bytes' : ''}`;
}

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
  d(METRICS.nodeCpuSeconds, 'counter', 'seconds', 'Seconds the CPUs spent in each mode', [
    'cpu',
    'mode',
  ]),
  d(METRICS.cpuCount, 'gauge', 'count', 'Number of CPUs the machine reports'),
  d(METRICS.load1, 'gauge', 'count', '1-minute load average'),
  d(METRICS.load5, 'gauge', 'count', '5-minute load average'),
  d(METRICS.load15, 'gauge', 'count', '15-minute load average'),
  d(METRICS.cgroupCpuLimitCores, 'gauge', 'count', 'CPU quota of the cgroup, in cores'),
];

/**
 * Descriptors of the memory collector besides the `node_memory_*` families, which it declares
 * from the fields `/proc/meminfo` has on this kernel (see {@link meminfoMetricName}).
 */
export const MEMORY_DESCRIPTORS: readonly MetricDescriptor[] = [
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
  d(METRICS.fsAvailBytes, 'gauge', 'bytes', 'Filesystem space available to non-root users', FS),
  d('node_filesystem_free_bytes', 'gauge', 'bytes', 'Filesystem free space in bytes', FS),
  d('node_filesystem_readonly', 'gauge', 'count', 'Filesystem read-only status', FS),
  d(
    'node_filesystem_device_error',
    'gauge',
    'count',
    'Whether an error occurred while getting statistics for the given device',
    FS,
  ),
  d(METRICS.fsFiles, 'gauge', 'count', 'Filesystem inodes', FS),
  d(METRICS.fsFilesFree, 'gauge', 'count', 'Filesystem free inodes', FS),
  d(METRICS.fsUsedRatio, 'gauge', 'ratio', 'Filesystem space used, as df computes it (0-1)', FS),
];

/** Descriptors of the network collector. */
export const NETWORK_DESCRIPTORS: readonly MetricDescriptor[] = NET_DEV_FIELDS.map((f) =>
  d(
    `node_network_${f}_total`,
    'counter',
    f.endsWith('bytes') ? 'bytes' : 'count',
    `Network device statistic ${f}.`,
    ['device'],
  ),
);

/** Descriptors of the process collector (`pid` label only when watching another process). */
export const PROCESS_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(METRICS.processCpuSeconds, 'counter', 'seconds', 'User and system CPU time', ['pid']),
  d(METRICS.processCpuUserSeconds, 'counter', 'seconds', 'User CPU time', ['pid']),
  d(METRICS.processCpuSystemSeconds, 'counter', 'seconds', 'System CPU time', ['pid']),
  d(
    METRICS.processCpuRatio,
    'gauge',
    'count',
    'CPU cores used since the previous tick (1 = one full core)',
    ['pid'],
  ),
  d(METRICS.processRssBytes, 'gauge', 'bytes', 'Resident memory size in bytes', ['pid']),
  d(METRICS.processVirtualBytes, 'gauge', 'bytes', 'Virtual memory size in bytes', ['pid']),
  d(METRICS.processHeapBytes, 'gauge', 'bytes', 'Process heap size in bytes (VmData)', ['pid']),
  d(METRICS.processOpenFds, 'gauge', 'count', 'Open file descriptors', ['pid']),
  d(METRICS.processMaxFds, 'gauge', 'count', 'Open file descriptor limit (soft)', ['pid']),
  d(METRICS.processStartTimeSeconds, 'gauge', 'seconds', 'Start time, seconds since the epoch', [
    'pid',
  ]),
  d(METRICS.processThreads, 'gauge', 'count', 'OS threads', ['pid']),
];

/** Descriptors of the runtime collector. */
export const RUNTIME_DESCRIPTORS: readonly MetricDescriptor[] = [
  d(
    METRICS.eventLoopLag,
    'gauge',
    'seconds',
    'Lag of event loop in seconds (a setImmediate queued at the previous collection)',
  ),
  d(
    METRICS.eventLoopLagStddev,
    'gauge',
    'seconds',
    'Standard deviation of event-loop delay since the previous tick',
  ),
  d(
    METRICS.eventLoopDelay,
    'histogram',
    'seconds',
    'Event-loop delay samples (resolution subtracted), cumulative since start',
  ),
  d(
    METRICS.eventLoopActiveSeconds,
    'counter',
    'seconds',
    'Time the event loop spent busy (rate() is the event-loop utilisation)',
  ),
  d(
    METRICS.activeResources,
    'gauge',
    'count',
    'Number of active resources that are currently keeping the event loop alive, grouped by async resource type',
    ['type'],
  ),
  d(METRICS.activeResourcesTotal, 'gauge', 'count', 'Total number of active resources'),
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
  d(
    METRICS.eventLoopDelaySampling,
    'gauge',
    'count',
    '1 while the event-loop delay timer samples, 0 while the loop is quiet and it is paused',
  ),
  d(
    METRICS.activeHandles,
    'gauge',
    'count',
    'Number of active libuv handles grouped by handle type. Every handle type is C++ class name',
    ['type'],
  ),
  d(METRICS.activeHandlesTotal, 'gauge', 'count', 'Total number of active handles'),
  d(
    METRICS.activeRequests,
    'gauge',
    'count',
    'Number of active libuv requests grouped by request type. Every request type is C++ class name',
    ['type'],
  ),
  d(METRICS.activeRequestsTotal, 'gauge', 'count', 'Total number of active requests'),
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
