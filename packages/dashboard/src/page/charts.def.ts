import { differenceLine, gaugeLines, quantileLines, rateLines } from './series.store.js';
import type { Line, SeriesStore, SourceFilter } from './series.store.js';

/** How a chart's values read on its axis. */
export type ChartUnit = 'percent' | 'bytes' | 'ms' | 'bytesPerSecond';

/** One chart: its title, unit and how its lines come from the raw series. */
export interface ChartDef {
  readonly id: string;
  readonly title: string;
  readonly unit: ChartUnit;
  /** The metric names it reads (their help text from core's DescriptorRegistry is its tooltip). */
  readonly metrics: readonly string[];
  lines(store: SeriesStore, source: SourceFilter): Line[];
}

/** Sliding window of the application timers' percentiles. */
const TIMER_WINDOW_MS = 30_000;

/** Every chart of the page, in order. Each metric name here is in the server's CHART_SERIES. */
export const CHARTS: readonly ChartDef[] = [
  {
    id: 'cpu',
    title: 'CPU',
    unit: 'percent',
    metrics: [
      'vitals_system_cpu_used_ratio',
      'vitals_process_cpu_used_ratio',
      'vitals_process_cpu_used_cores',
    ],
    lines: (s, src) => [
      ...gaugeLines(s, 'vitals_system_cpu_used_ratio', src, 'system', 100),
      // Renamed `_cores` by the Prometheus work (a process can use more than one core).
      ...gaugeLines(s, 'vitals_process_cpu_used_ratio', src, 'process', 100),
      ...gaugeLines(s, 'vitals_process_cpu_used_cores', src, 'process', 100),
    ],
  },
  {
    id: 'memory',
    title: 'Memory',
    unit: 'bytes',
    metrics: [
      'node_memory_MemTotal_bytes',
      'node_memory_MemAvailable_bytes',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_heap_size_total_bytes',
      'vitals_nodejs_heap_size_limit_bytes',
      'nodejs_external_memory_bytes',
    ],
    lines: (s, src) => [
      ...differenceLine(
        s,
        'node_memory_MemTotal_bytes',
        'node_memory_MemAvailable_bytes',
        src,
        'system used',
      ),
      ...gaugeLines(s, 'process_resident_memory_bytes', src, 'RSS'),
      ...gaugeLines(s, 'nodejs_heap_size_used_bytes', src, 'heap used'),
      ...gaugeLines(s, 'nodejs_heap_size_total_bytes', src, 'heap total'),
      ...gaugeLines(s, 'vitals_nodejs_heap_size_limit_bytes', src, 'heap limit'),
      ...gaugeLines(s, 'nodejs_external_memory_bytes', src, 'external'),
    ],
  },
  {
    id: 'eventloop',
    title: 'Event-loop delay',
    unit: 'ms',
    metrics: [
      'nodejs_eventloop_lag_p50_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_eventloop_lag_max_seconds',
    ],
    lines: (s, src) => [
      ...gaugeLines(s, 'nodejs_eventloop_lag_p50_seconds', src, 'p50', 1000),
      ...gaugeLines(s, 'nodejs_eventloop_lag_p99_seconds', src, 'p99', 1000),
      ...gaugeLines(s, 'nodejs_eventloop_lag_max_seconds', src, 'max', 1000),
    ],
  },
  {
    id: 'gc',
    title: 'GC pauses (ms paused per second)',
    unit: 'ms',
    metrics: ['nodejs_gc_duration_seconds_sum'],
    lines: (s, src) => rateLines(s, 'nodejs_gc_duration_seconds_sum', src, 'GC', 1000),
  },
  {
    id: 'disk',
    title: 'Disk used',
    unit: 'percent',
    metrics: ['vitals_filesystem_used_ratio'],
    lines: (s, src) =>
      gaugeLines(s, 'vitals_filesystem_used_ratio', src, '', 100).map(mountpointOnly(s, src)),
  },
  {
    id: 'diskio',
    title: 'Disk I/O',
    unit: 'bytesPerSecond',
    metrics: ['node_disk_read_bytes_total', 'node_disk_written_bytes_total'],
    lines: (s, src) => [
      ...rateLines(s, 'node_disk_read_bytes_total', src, 'read'),
      ...rateLines(s, 'node_disk_written_bytes_total', src, 'written'),
    ],
  },
  {
    id: 'network',
    title: 'Network',
    unit: 'bytesPerSecond',
    metrics: ['node_network_receive_bytes_total', 'node_network_transmit_bytes_total'],
    lines: (s, src) => [
      ...rateLines(s, 'node_network_receive_bytes_total', src, 'in', 1, (l) => l.device !== 'lo'),
      ...rateLines(s, 'node_network_transmit_bytes_total', src, 'out', 1, (l) => l.device !== 'lo'),
    ],
  },
  {
    id: 'timers',
    title: 'Application timers',
    unit: 'ms',
    metrics: ['vitals_operation_duration_seconds_bucket'],
    lines: (s, src) =>
      quantileLines(
        s,
        'vitals_operation_duration_seconds_bucket',
        src,
        [0.5, 0.99],
        TIMER_WINDOW_MS,
        1000,
      ),
  },
];

/** Filesystem lines are named by mount point alone. */
function mountpointOnly(store: SeriesStore, source: SourceFilter): (line: Line, i: number) => Line {
  const series = store.find('vitals_filesystem_used_ratio', source);
  return (line, i) => ({
    label: series[i]?.labels.mountpoint ?? line.label.trim(),
    points: line.points,
  });
}

/** Every metric name the charts read (the spec checks the server streams each of them). */
export const CHART_METRICS: readonly string[] = [...new Set(CHARTS.flatMap((c) => c.metrics))];
