import type { Severity } from '@vitals/core';

/*
 * How a shared threshold (core's `config.thresholds`, the same numbers the monitor's default alert
 * rules fire on) becomes ok / warning / critical. One rule per kind of figure, so the report and
 * the alerts agree on "too much" and the step to critical is predictable:
 *
 * - ratios (0–1): warning at the threshold, critical half-way from it to 100 %
 *   (memory 0.8 → 0.9, disk 0.85 → 0.925, CPU 0.9 → 0.95);
 * - absolute figures (bytes, counts, ms): warning at the threshold, critical at twice it
 *   (swap 500 MB → 1000 MB, fds 500 → 1000, threads 50 → 100, event-loop p99 200 → 400 ms).
 */

/**
 * The critical point of a ratio threshold: half-way from the threshold to 1.
 * @example criticalRatio(0.8) // 0.9
 */
export function criticalRatio(threshold: number): number {
  return threshold + (1 - threshold) / 2;
}

/**
 * The critical point of an absolute threshold: twice it.
 * @example criticalAbsolute(500) // 1000
 */
export function criticalAbsolute(threshold: number): number {
  return threshold * 2;
}

/**
 * Grades a ratio: `ok` below `threshold`, `warning` from it, `critical` from {@link criticalRatio}.
 * @example gradeRatio(0.93, 0.85) // 'critical'
 */
export function gradeRatio(value: number, threshold: number): Severity {
  if (value >= criticalRatio(threshold)) return 'critical';
  return value >= threshold ? 'warning' : 'ok';
}

/**
 * Grades an absolute figure: `ok` below `threshold`, `warning` from it, `critical` from twice it.
 * @example gradeAbsolute(600, 500) // 'warning'
 */
export function gradeAbsolute(value: number, threshold: number): Severity {
  if (value >= criticalAbsolute(threshold)) return 'critical';
  return value >= threshold ? 'warning' : 'ok';
}

/** `0.4321` → `43%`. */
export function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
