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
  /** Post-GC heap / heap size limit, 0–1 ({service?}): how close the live heap is to an OOM. */
  heapAfterGcLimitRatio: 'vitals_heap_after_gc_limit_ratio',
  /** Measurement GCs forced (no major GC for minutes while the heap grew; counter). */
  measurementGcCount: 'vitals_measurement_gc_total',
  /** Their pauses, summed (counter). */
  measurementGcSeconds: 'vitals_measurement_gc_seconds_total',
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
    help: 'JS heap used right after a major GC (one sample per major GC)',
    unit: 'bytes',
    type: 'gauge',
    labelNames: ['service'],
  },
  {
    name: METRICS.externalAfterGcBytes,
    help: 'External memory (includes array buffers) right after a major GC',
    unit: 'bytes',
    type: 'gauge',
    labelNames: ['service'],
  },
  {
    name: MEMORY_METRICS.heapAfterGcLimitRatio,
    help: 'JS heap right after a major GC divided by the V8 heap size limit',
    unit: 'ratio',
    type: 'gauge',
    labelNames: ['service'],
  },
  {
    name: MEMORY_METRICS.measurementGcCount,
    help: 'Measurement GCs forced because no major GC ran for long while the heap grew',
    unit: 'count',
    type: 'counter',
    labelNames: ['service'],
  },
  {
    name: MEMORY_METRICS.measurementGcSeconds,
    help: 'Pause time of measurement GCs',
    unit: 'seconds',
    type: 'counter',
    labelNames: ['service'],
  },
  {
    name: METRICS.gcPressureRatio,
    help: 'Fraction of wall time spent in GC over the pressure window',
    unit: 'ratio',
    type: 'gauge',
    labelNames: ['service'],
  },
  {
    name: METRICS.leakRateBytesPerSecond,
    help: 'Growth rate of a leaking baseline (0 when no leak is detected)',
    unit: 'bytes_per_second',
    type: 'gauge',
    labelNames: ['kind', 'service'],
  },
  {
    name: METRICS.leakConfidenceRatio,
    help: 'Kendall agreement of the post-GC baseline rise (published at each assessment)',
    unit: 'ratio',
    type: 'gauge',
    labelNames: ['kind', 'service'],
  },
  {
    name: METRICS.leakTimeToLimitSeconds,
    help: 'Projected time until the heap reaches its limit at the current leak rate (while leaking)',
    unit: 'seconds',
    type: 'gauge',
    labelNames: ['kind', 'service'],
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
