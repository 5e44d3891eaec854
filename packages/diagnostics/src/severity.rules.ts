import { compareSeverity } from '@vitals/core';
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

/** A severity and the figure behind it, stated with the lines it was graded against. */
export interface Graded {
  readonly severity: Severity;
  /** e.g. `612 MiB; warning ≥ 500 MiB, critical ≥ 1000 MiB`. */
  readonly figure: string;
}

/**
 * Grades a figure against a shared threshold with the rule of its kind ({@link gradeRatio} or
 * {@link gradeAbsolute}) and states it with both lines, so the figure a person reads can never
 * disagree with the grade. `format` prints the value and the lines (default: `43%` for ratios).
 * @example grade(612 * MiB, 500 * MiB, 'absolute', formatBytes).figure // '612 MiB; warning ≥ 500 MiB, critical ≥ 1000 MiB'
 */
export function grade(
  value: number,
  threshold: number,
  kind: 'ratio' | 'absolute',
  format: (n: number) => string = kind === 'ratio' ? percent : String,
): Graded {
  const ratio = kind === 'ratio';
  const critical = ratio ? criticalRatio(threshold) : criticalAbsolute(threshold);
  return {
    severity: ratio ? gradeRatio(value, threshold) : gradeAbsolute(value, threshold),
    figure: `${format(value)}; warning ≥ ${format(threshold)}, critical ≥ ${format(critical)}`,
  };
}

/**
 * Grades a size against the limit it must stay under (a heap limit against the container's
 * memory), as a ratio of it: `critical` above 100 %, `warning` from `threshold`, else `ok`.
 * @example gradeAgainstLimit(1.2, 0.8).severity // 'critical'
 */
export function gradeAgainstLimit(ratio: number, threshold: number): Graded {
  const severity = ratio > 1 ? 'critical' : ratio >= threshold ? 'warning' : 'ok';
  return {
    severity,
    figure: `${percent(ratio)}; warning ≥ ${percent(threshold)}, critical > 100%`,
  };
}

/**
 * The worse of two severities.
 * @example worse('warning', 'critical') // 'critical'
 */
export function worse(a: Severity, b: Severity): Severity {
  return compareSeverity(a, b) >= 0 ? a : b;
}

/** `0.4321` → `43%`. */
export function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
