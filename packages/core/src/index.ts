import 'reflect-metadata';

export { createToken, asInjectionToken } from './tokens';
export type { Token } from './tokens';
export {
  METRIC_STREAM,
  DESCRIPTOR_REGISTRY,
  HISTORY,
  ALERT_ENGINE,
  COLLECTOR,
  HEALTH_CHECK,
  SHUTDOWN_HOOK,
  CLEANUP_HANDLER,
  CLI_COMMAND,
  HTTP_ROUTE,
  LOGGER,
  CLOCK,
  CONFIG,
  HOST,
} from './core.tokens';
export { VitalsError, isVitalsError, describeError } from './errors';
export type { VitalsErrorCode } from './errors';

export type {
  Labels,
  Sample,
  MetricBatch,
  MetricType,
  MetricDescriptor,
  SeriesValue,
} from './metrics/metric.types';
export { seriesKey, matchLabels, NO_LABELS } from './metrics/labels';
export { DescriptorRegistry } from './metrics/descriptor.registry';
export { MetricStream } from './metrics/metric.stream';
export type { SeriesPoint } from './metrics/metric.stream';
export { History } from './metrics/history';
export type { HistoryPoint, HistorySeries } from './metrics/history';
export { Snapshot } from './metrics/snapshot';
export type { Collector, CollectorFailure } from './metrics/collector.types';
export { collectOnce } from './metrics/collect-once';
export { Histogram, DEFAULT_LATENCY_BUCKETS_SECONDS } from './metrics/histogram';
export type { HistogramSnapshot } from './metrics/histogram';

export { AlertEngine } from './alerts/alert.engine';
export {
  alertsRoute,
  goExponent,
  prometheusAlertLabels,
  prometheusAlerts,
} from './alerts/alerts.route';
export type { PrometheusAlert } from './alerts/alerts.route';
export type {
  AlertRule,
  AlertRuleInput,
  AlertEvent,
  AlertOp,
  AlertSeverity,
  AlertState,
} from './alerts/alert.types';

export { compareSeverity, worstSeverity } from './health/health.types';
export type { Finding, HealthCheck, Severity, HealthArea } from './health/health.types';
export type { ShutdownHook, CleanupHandler } from './host/hooks.types';
export type { HttpRoute, HttpContext, HttpMethod } from './http/http.types';
export { HttpServer, httpUrl, isLoopbackHost } from './http/http.server';
export type { CliCommand, CliContext, CliOption } from './cli/cli.types';

export type { Plugin, PluginContext, RegisterContext } from './host/plugin.types';
export type { HostHandle, HostState, StopReport, CollectOnceOptions } from './host/host.types';
export { createHost } from './host/create-host';
export type { CreateHostOptions } from './host/create-host';
export { runShutdownHooks } from './host/shutdown';

export type { VitalsConfig, HttpConfig, HistoryConfig, Thresholds } from './config/config.types';
export {
  loadConfig,
  validateConfig,
  DEFAULT_THRESHOLDS,
  CORE_CONFIG_DEFAULTS,
  coreConfigSchema,
} from './config/config.loader';
export type { LoadConfigOptions, LoadedConfig, ConfigProblem } from './config/config.loader';
export { z, schemas } from './config/schemas';

export { createNoopLogger, createMemoryLogger } from './logging/logger';
export type { Logger, LogFn, LogLevel, LogEntry, MemoryLogger } from './logging/logger';
export { systemClock, ManualClock } from './util/clock';
export type { Clock, Cancel } from './util/clock';
export { withDeadline } from './util/deadline';
export { keepingAlive } from './util/keep-alive';
export { escapeControl } from './util/escape-control';
export {
  makeTrustedFolder,
  rootOnlyFolder,
  trustedFolder,
  untrustedFolder,
} from './util/trusted-folder';
export type { MakeFolderOptions, TrustOptions, UntrustedFolderError } from './util/trusted-folder';
export type { DeadlineResult } from './util/deadline';
export {
  parseDuration,
  parseBytes,
  formatBytes,
  formatDuration,
  parseDurationInRange,
  parseBytesInRange,
  parseCountInRange,
  TIMER_MAX_MS,
} from './util/units';
export type { UnitRange } from './util/units';

export {
  readProcStat,
  readProcStatus,
  readProcLimits,
  readCmdline,
  countOpenFds,
  listPids,
  processExists,
  readPseudoFile,
  pageSizeBytes,
  parseProcStat,
} from './os/procfs';
export type { ProcStat, ProcLimits } from './os/procfs';
export {
  readMeminfo,
  readCpuTimes,
  readLoadavg,
  bootTimeMs,
  clockTicksPerSecond,
  processStartTimeMs,
} from './os/proc-system';
export type { CpuTimes } from './os/proc-system';
export { readCgroupLimits } from './os/cgroup';
export type { CgroupLimits } from './os/cgroup';

export {
  INSTANCE_LOCK,
  V8_TUNER,
  MEMORY_CLEANUP,
  DIAGNOSTICS,
  SERVICE_REGISTRY,
} from './services.tokens';
export type {
  InstanceLock,
  InstanceLockService,
  V8Profile,
  FlagRecommendation,
  V8Tuner,
  CleanupStep,
  MemoryCleanupService,
  DiagnosticsReport,
  DiagnosticsService,
  ServiceState,
  SupervisedService,
  ServiceRegistry,
} from './services.tokens';
export { METRICS } from './metrics/metric.names';
export type { MetricName } from './metrics/metric.names';
export { readMounts, realFilesystems, filesystemUsage, PSEUDO_FS_TYPES } from './os/mounts';
export type { Mount, FilesystemUsage, RealFilesystemOptions } from './os/mounts';
export type { ReadCgroupOptions } from './os/cgroup';
export { processSubject } from './os/process.subject';
