import type { Severity } from '@vitals/core';
import type { DiagnosisReport } from './diagnostics.runner';

/** Version of the `--json` document; bumped on any incompatible change. */
export const REPORT_SCHEMA_VERSION = 1;

/** Exit code of a severity: ok/info → 0, warning → 1, critical → 2. */
export function exitCodeOf(severity: Severity): 0 | 1 | 2 {
  return severity === 'critical' ? 2 : severity === 'warning' ? 1 : 0;
}

/** One finding in the `--json` document. */
export interface JsonFinding {
  readonly check: string;
  readonly area: string;
  readonly severity: Severity;
  readonly message: string;
  readonly figure: string | null;
  readonly recommendation: string | null;
  readonly data: Record<string, unknown>;
}

/** The `--json` document (schema version 1; see the README). */
export interface JsonReport {
  readonly version: typeof REPORT_SCHEMA_VERSION;
  readonly at: string;
  readonly durationMs: number;
  readonly target: { readonly pid: number; readonly self: boolean; readonly command: string };
  readonly windowMs: number;
  readonly samples: number;
  readonly severity: Severity;
  readonly exitCode: 0 | 1 | 2;
  readonly summary: Readonly<Record<Severity, number>>;
  readonly findings: readonly JsonFinding[];
  readonly collectorFailures: DiagnosisReport['collectorFailures'];
}

/**
 * The stable JSON form of a report: every key always present (`null` rather than absent).
 * @example JSON.stringify(toJsonReport(report), null, 2)
 */
export function toJsonReport(report: DiagnosisReport): JsonReport {
  const summary: Record<Severity, number> = { ok: 0, info: 0, warning: 0, critical: 0 };
  for (const f of report.findings) summary[f.severity]++;
  return {
    version: REPORT_SCHEMA_VERSION,
    at: new Date(report.at).toISOString(),
    durationMs: Math.round(report.durationMs * 10) / 10,
    target: report.target,
    windowMs: report.windowMs,
    samples: report.samples,
    severity: report.severity,
    exitCode: exitCodeOf(report.severity),
    summary,
    findings: report.findings.map((f) => {
      const { figure, ...data } = (f.data ?? {}) as Record<string, unknown>;
      return {
        check: f.check,
        area: f.area ?? 'other',
        severity: f.severity,
        message: f.message,
        figure: typeof figure === 'string' ? figure : null,
        recommendation: f.recommendation ?? null,
        data,
      };
    }),
    collectorFailures: report.collectorFailures,
  };
}
