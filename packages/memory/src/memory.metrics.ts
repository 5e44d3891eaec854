import { METRICS } from '@vitals/core';
import type { MetricDescriptor } from '@vitals/core';

/** Metric names owned by @vitals/memory beyond core's shared METRICS. */
export const MEMORY_METRICS = {
  /** Duration of profiled calls (histogram {fn}). */
  profileDuration: 'vitals_memory_profile_duration_seconds',
  /** Heap used after − before a profiled call (histogram {fn}). */
  profileHeapDelta: 'vitals_memory_profile_heap_delta_bytes',
  /** GCs seen during profiled calls (counter {fn}). */
  profileGcs: 'vitals_memory_profile_gc_total',
} as const;

/** Descriptors of the heap collector. */
export const HEAP_DESCRIPTORS: readonly MetricDescriptor[] = [
  { name: METRICS.heapLimitBytes, help: 'V8 heap size limit', unit: 'bytes', type: 'gauge' },
  {
    name: METRICS.heapSpaceUsedBytes,
    help: 'Used size of a V8 heap space',
    unit: 'bytes',
    type: 'gauge',
    labelNames: ['space'],
  },
  {
    name: METRICS.heapSpaceTotalBytes,
    help: 'Size of a V8 heap space',
    unit: 'bytes',
    type: 'gauge',
    labelNames: ['space'],
  },
  {
    name: METRICS.heapSpaceAvailableBytes,
    help: 'Available size of a V8 heap space',
    unit: 'bytes',
    type: 'gauge',
    labelNames: ['space'],
  },
];

/** Descriptors of the GC collector. */
export const GC_DESCRIPTORS: readonly MetricDescriptor[] = [
  {
    name: METRICS.gcDuration,
    help: 'GC pause duration by kind',
    unit: 'seconds',
    type: 'histogram',
    labelNames: ['kind'],
  },
  {
    name: METRICS.heapAfterGcBytes,
    help: 'JS heap used right after the last major GC',
    unit: 'bytes',
    type: 'gauge',
  },
  {
    name: METRICS.gcPressureRatio,
    help: 'Fraction of wall time spent in GC over the pressure window',
    unit: 'ratio',
    type: 'gauge',
  },
  {
    name: METRICS.leakRateBytesPerSecond,
    help: 'Growth rate of a leaking baseline (0 when no leak is detected)',
    unit: 'bytes_per_second',
    type: 'gauge',
    labelNames: ['kind'],
  },
];

/** Descriptors of the profile collector. */
export const PROFILE_DESCRIPTORS: readonly MetricDescriptor[] = [
  {
    name: MEMORY_METRICS.profileDuration,
    help: 'Duration of profiled calls',
    unit: 'seconds',
    type: 'histogram',
    labelNames: ['fn'],
  },
  {
    name: MEMORY_METRICS.profileHeapDelta,
    help: 'Heap delta of profiled calls',
    unit: 'bytes',
    type: 'histogram',
    labelNames: ['fn'],
  },
  {
    name: MEMORY_METRICS.profileGcs,
    help: 'GCs during profiled calls',
    unit: 'count',
    type: 'counter',
    labelNames: ['fn'],
  },
];
