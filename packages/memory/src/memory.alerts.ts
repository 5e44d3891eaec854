import { METRICS } from '@vitals/core';
import type { AlertRuleInput } from '@vitals/core';
import type { MemoryConfig } from './memory.options';

/** Metrics whose critical alerts may trigger emergency cleanup (`cleanupOnCriticalAlert`). */
export const CRITICAL_MEMORY_METRICS: ReadonlySet<string> = new Set([
  METRICS.memoryUsedRatio,
  METRICS.processRssBytes,
  METRICS.heapUsedBytes,
  METRICS.heapAfterGcBytes,
  METRICS.gcPressureRatio,
  METRICS.cgroupMemoryUsageBytes,
  METRICS.leakRateBytesPerSecond,
]);

/**
 * The plugin's default rules: a leak per baseline (the leak-rate gauge is > 0 only while the
 * detector says leak; the summary is replaced by the detector's one-line verdict when it fires),
 * and GC pressure held for 30 s.
 *
 * @example for (const r of memoryAlertRules(config)) host.alerts.addRule(r);
 */
export function memoryAlertRules(
  config: Pick<MemoryConfig, 'gcPressureThreshold'>,
): AlertRuleInput[] {
  return [
    {
      id: 'memory.leak.heap',
      metric: METRICS.leakRateBytesPerSecond,
      labels: { kind: 'heap' },
      op: '>',
      threshold: 0,
      severity: 'warning',
      cooldown: '30m',
      summary: 'Memory leak suspected in the JS heap (post-GC baseline growing)',
    },
    {
      id: 'memory.leak.external',
      metric: METRICS.leakRateBytesPerSecond,
      labels: { kind: 'external' },
      op: '>',
      threshold: 0,
      severity: 'warning',
      cooldown: '30m',
      summary: 'Memory leak suspected in external memory (Buffers, ArrayBuffers)',
    },
    {
      id: 'memory.gc-pressure',
      metric: METRICS.gcPressureRatio,
      op: '>',
      threshold: config.gcPressureThreshold,
      clear: config.gcPressureThreshold * 0.6,
      for: '30s',
      severity: 'critical',
      summary: 'Most of the time goes to GC: out-of-memory crash likely within minutes',
    },
  ];
}
