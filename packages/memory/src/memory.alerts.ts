import { METRICS } from '@vitals/core';
import type { AlertRuleInput } from '@vitals/core';
import type { MemoryConfig } from './memory.options';
import type { LeakKind } from './leak/leak.monitor';
import { MEMORY_METRICS } from './memory.metrics';

/** Metrics whose critical alerts may trigger emergency cleanup (`cleanupOnCriticalAlert`). */
export const CRITICAL_MEMORY_METRICS: ReadonlySet<string> = new Set([
  METRICS.memoryUsedRatio,
  METRICS.processRssBytes,
  METRICS.heapUsedBytes,
  METRICS.heapAfterGcBytes,
  METRICS.gcPressureRatio,
  METRICS.cgroupMemoryUsageBytes,
  METRICS.leakRateBytesPerSecond,
  MEMORY_METRICS.heapAfterGcLimitRatio,
]);

const LEAK_SUMMARY: Record<LeakKind, string> = {
  heap: 'Memory leak suspected in the JS heap (post-GC baseline growing)',
  external: 'Memory leak suspected in external memory (Buffers, ArrayBuffers)',
};

/**
 * The leak rule of one baseline: `memory.leak.<kind>` for this process (labels
 * `{kind, service: ""}`, where an empty value matches a series without the label, as in
 * PromQL), `memory.leak.<kind>@<service>` for a supervised service. When the detector fires, the
 * plugin replaces the rule's summary with its verdict, so the alert's message carries rate,
 * confidence, window and time to the heap limit.
 *
 * @example host.alerts.addRule(leakRule('heap', 'api', event.message))
 */
export function leakRule(kind: LeakKind, service?: string, summary?: string): AlertRuleInput {
  return {
    id: service === undefined ? `memory.leak.${kind}` : `memory.leak.${kind}@${service}`,
    metric: METRICS.leakRateBytesPerSecond,
    labels: { kind, service: service ?? '' },
    op: '>',
    threshold: 0,
    severity: 'warning',
    cooldown: '30m',
    summary: summary ?? LEAK_SUMMARY[kind],
  };
}

/**
 * The plugin's default rules: a leak per baseline of this process (the leak-rate gauge is > 0
 * only while the detector says leak; each supervised service gets its own pair when its first
 * baseline arrives, see {@link leakRule}); GC pressure held for 30 s; and the post-GC heap near
 * the heap limit. The last two have no label filter: they match this process's series and every
 * service's (`{service}`), each evaluated on its own figures, the service label carried into the
 * alert.
 *
 * @example for (const r of memoryAlertRules(config)) host.alerts.addRule(r);
 */
export function memoryAlertRules(
  config: Pick<MemoryConfig, 'gcPressureThreshold' | 'heapLimitThreshold'>,
): AlertRuleInput[] {
  return [
    leakRule('heap'),
    leakRule('external'),
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
    {
      id: 'memory.heap-near-limit',
      metric: MEMORY_METRICS.heapAfterGcLimitRatio,
      op: '>',
      threshold: config.heapLimitThreshold,
      clear: config.heapLimitThreshold * 0.9,
      severity: 'critical',
      summary: 'Live heap (after a major GC) near the V8 heap limit: out-of-memory crash ahead',
    },
  ];
}
