/**
 * Well-known metric names shared between plugins (a producer in one package, readers in others).
 * Process and runtime metrics use prom-client's default names and system metrics node_exporter's,
 * so existing Grafana dashboards work; derived metrics use the `vitals_` prefix.
 * Ratios are 0–1. A producer declares each with a descriptor; readers never import the producer.
 */
export const METRICS = {
  // System (monitor): node_exporter names.
  cpuUsedRatio: 'vitals_system_cpu_used_ratio',
  cpuCoreUsedRatio: 'vitals_system_cpu_core_used_ratio', // {cpu}
  /** CPUs the machine reports (a gauge; `count(node_cpu_seconds_total{mode="idle"})` in PromQL). */
  cpuCount: 'vitals_system_cpus',
  /** CPU time per core and mode, seconds since boot (`/proc/stat`), node_exporter's counter. */
  nodeCpuSeconds: 'node_cpu_seconds_total', // {cpu, mode}
  nodeBootTimeSeconds: 'node_boot_time_seconds',
  nodeTimeSeconds: 'node_time_seconds',
  nodeUnameInfo: 'node_uname_info', // {sysname, release, version, machine, nodename, domainname}
  load1: 'node_load1',
  load5: 'node_load5',
  load15: 'node_load15',
  memTotalBytes: 'node_memory_MemTotal_bytes',
  memAvailableBytes: 'node_memory_MemAvailable_bytes',
  swapTotalBytes: 'node_memory_SwapTotal_bytes',
  swapFreeBytes: 'node_memory_SwapFree_bytes',
  swapUsedBytes: 'vitals_system_swap_used_bytes',
  /** Used / total, against the cgroup memory limit when one is set. */
  memoryUsedRatio: 'vitals_system_memory_used_ratio',
  fsSizeBytes: 'node_filesystem_size_bytes', // {device, mountpoint, fstype}
  fsAvailBytes: 'node_filesystem_avail_bytes',
  fsFiles: 'node_filesystem_files',
  fsFilesFree: 'node_filesystem_files_free',
  fsUsedRatio: 'vitals_filesystem_used_ratio',
  netReceiveBytes: 'node_network_receive_bytes_total', // {device}
  netTransmitBytes: 'node_network_transmit_bytes_total',
  netReceiveErrors: 'node_network_receive_errs_total',
  netTransmitErrors: 'node_network_transmit_errs_total',
  cgroupMemoryLimitBytes: 'vitals_cgroup_memory_limit_bytes',
  cgroupMemoryUsageBytes: 'vitals_cgroup_memory_usage_bytes',
  /** Usage minus reclaimable inactive file cache: what the limit is really compared with. */
  cgroupMemoryWorkingSetBytes: 'vitals_cgroup_memory_working_set_bytes',
  cgroupCpuLimitCores: 'vitals_cgroup_cpu_limit_cores',

  // Process (monitor): prom-client names; {pid} when not this process.
  processCpuSeconds: 'process_cpu_seconds_total',
  processCpuUserSeconds: 'process_cpu_user_seconds_total',
  processCpuSystemSeconds: 'process_cpu_system_seconds_total',
  /**
   * CPU used by the process since the previous tick, in cores (1 = one full core; a
   * multi-threaded process can exceed 1, so this is not a `_ratio`).
   */
  processCpuRatio: 'vitals_process_cpu_used_cores',
  /** Data segment size (`/proc/<pid>/status VmData`), prom-client's `process_heap_bytes`. */
  processHeapBytes: 'process_heap_bytes',
  processRssBytes: 'process_resident_memory_bytes',
  processVirtualBytes: 'process_virtual_memory_bytes',
  processOpenFds: 'process_open_fds',
  processMaxFds: 'process_max_fds',
  processStartTimeSeconds: 'process_start_time_seconds',
  processThreads: 'vitals_process_threads',

  // Runtime (monitor): prom-client names where they exist.
  /** prom-client's: how late a `setImmediate` queued at collection ran (the lag at that moment). */
  eventLoopLag: 'nodejs_eventloop_lag_seconds',
  eventLoopLagMin: 'nodejs_eventloop_lag_min_seconds',
  eventLoopLagMax: 'nodejs_eventloop_lag_max_seconds',
  eventLoopLagMean: 'nodejs_eventloop_lag_mean_seconds',
  eventLoopLagStddev: 'nodejs_eventloop_lag_stddev_seconds',
  eventLoopLagP50: 'nodejs_eventloop_lag_p50_seconds',
  eventLoopLagP90: 'nodejs_eventloop_lag_p90_seconds',
  eventLoopLagP99: 'nodejs_eventloop_lag_p99_seconds',
  /** Cumulative histogram of event-loop delay samples: every stall between two scrapes counts. */
  eventLoopDelay: 'vitals_eventloop_delay_seconds', // histogram
  eventLoopUtilization: 'vitals_eventloop_utilization_ratio',
  /** 1 while the event-loop delay timer samples, 0 while a quiet loop lets it pause. */
  eventLoopDelaySampling: 'vitals_eventloop_delay_sampling',
  /** Time the event loop was busy, seconds (counter: `rate()` is the utilisation over any window). */
  eventLoopActiveSeconds: 'vitals_eventloop_active_seconds_total',
  /** prom-client's meaning: `process._getActiveHandles()` by constructor name. */
  activeHandles: 'nodejs_active_handles', // {type}
  activeHandlesTotal: 'nodejs_active_handles_total',
  /** prom-client's meaning: `process._getActiveRequests()` by constructor name. */
  activeRequests: 'nodejs_active_requests', // {type}
  activeRequestsTotal: 'nodejs_active_requests_total',
  /** `process.getActiveResourcesInfo()` by type (what keeps the loop alive). */
  activeResources: 'nodejs_active_resources', // {type}
  activeResourcesTotal: 'nodejs_active_resources_total',
  heapTotalBytes: 'nodejs_heap_size_total_bytes',
  heapUsedBytes: 'nodejs_heap_size_used_bytes',
  externalBytes: 'nodejs_external_memory_bytes',
  arrayBuffersBytes: 'vitals_nodejs_array_buffers_bytes',
  versionInfo: 'nodejs_version_info', // {version, major, minor, patch}

  // Memory plugin.
  heapLimitBytes: 'vitals_nodejs_heap_size_limit_bytes',
  /** `space` as prom-client writes it: V8's space name without `_space` (`old`, `new`, `code`, …). */
  heapSpaceUsedBytes: 'nodejs_heap_space_size_used_bytes', // {space}
  heapSpaceTotalBytes: 'nodejs_heap_space_size_total_bytes',
  heapSpaceAvailableBytes: 'nodejs_heap_space_size_available_bytes',
  gcDuration: 'nodejs_gc_duration_seconds', // histogram {kind}
  heapAfterGcBytes: 'vitals_heap_after_gc_bytes',
  gcPressureRatio: 'vitals_gc_pressure_ratio',
  leakRateBytesPerSecond: 'vitals_memory_leak_rate_bytes_per_second', // {kind: heap|external, service?}
  /** 0–1: how well a straight line explains the post-GC baseline (published while assessed). */
  leakConfidenceRatio: 'vitals_memory_leak_confidence_ratio', // {kind, service?}
  /** Projected seconds until the heap reaches its limit at the current leak rate (leaking only). */
  leakTimeToLimitSeconds: 'vitals_memory_leak_time_to_limit_seconds', // {kind, service?}
  /** External + array-buffer memory right after a major GC (one sample per major GC). */
  externalAfterGcBytes: 'vitals_external_after_gc_bytes',

  // Supervised services (startup `vitals run`). Every series carries `{service}`; the child's
  // runtime figures (heap, GC, event loop, RSS) reuse the names above with `{service}` added, and
  // the post-GC baselines `vitals_heap_after_gc_bytes{service}` / `vitals_external_after_gc_bytes{service}`
  // arrive once per major GC of the child, so the memory plugin runs one detector per service.
  serviceRestarts: 'vitals_supervisor_restarts_total', // {service}
  serviceUp: 'vitals_supervisor_child_up', // {service}
  /** 1 for the service's current state, 0 for the others: starting|up|restarting|hung|stopping|stopped. */
  serviceState: 'vitals_supervisor_child_state', // {service, state}
  serviceHangs: 'vitals_supervisor_hangs_total', // {service}
  /** RSS of the child's whole process tree (`/proc/<pid>/status VmRSS` summed). */
  serviceTreeRssBytes: 'vitals_supervisor_tree_resident_memory_bytes', // {service}
  /** RSS of each process of the child's tree. */
  serviceProcessRssBytes: 'vitals_supervisor_process_resident_memory_bytes', // {service, pid}

  // Application (monitor).
  operationDuration: 'vitals_operation_duration_seconds', // histogram {operation}

  // Process plugin.
  duplicateProcesses: 'vitals_duplicate_processes',

  // Scheduler (monitor).
  collectorErrors: 'vitals_collector_errors_total', // {collector}
  collectorDuration: 'vitals_collector_duration_seconds', // {collector}
} as const;

/** Any well-known metric name. */
export type MetricName = (typeof METRICS)[keyof typeof METRICS];
