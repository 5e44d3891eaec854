import { METRICS } from '@vitals/core';

/**
 * Metric names the page charts, streamed on `/events` and fetched from `/api/history` on load.
 * Histograms are listed by their sample names (`_bucket`, `_sum`, `_count`). Every other series
 * stays out of the stream, so a tick message carries what the page draws and nothing else.
 */
export const CHART_SERIES: readonly string[] = [
  // CPU (ratios, 1 = one core for the process).
  METRICS.cpuUsedRatio,
  // The process's CPU in cores, under its old and its new name (`_ratio` became `_cores`).
  'vitals_process_cpu_used_ratio',
  'vitals_process_cpu_used_cores',
  // Memory.
  METRICS.memTotalBytes,
  METRICS.memAvailableBytes,
  METRICS.processRssBytes,
  METRICS.heapUsedBytes,
  METRICS.heapTotalBytes,
  METRICS.heapLimitBytes,
  METRICS.externalBytes,
  // Event loop.
  METRICS.eventLoopLagP50,
  METRICS.eventLoopLagP99,
  METRICS.eventLoopLagMax,
  // GC pauses: seconds paused per second, by kind.
  `${METRICS.gcDuration}_sum`,
  `${METRICS.gcDuration}_count`,
  // Disk and network.
  METRICS.fsUsedRatio,
  'node_disk_read_bytes_total',
  'node_disk_written_bytes_total',
  METRICS.netReceiveBytes,
  METRICS.netTransmitBytes,
  // Application timers: p50/p99 from the histogram's buckets.
  `${METRICS.operationDuration}_bucket`,
];

const CHART_SET = new Set(CHART_SERIES);

/** True when samples of `name` go to the page. */
export function isChartSeries(name: string): boolean {
  return CHART_SET.has(name);
}
