import type { Snapshot } from '../metrics/snapshot';

/** Severities, in increasing order. */
export type Severity = 'ok' | 'info' | 'warning' | 'critical';

/** Areas that group a report. */
export type HealthArea =
  'memory' | 'cpu' | 'disk' | 'process' | 'runtime' | 'environment' | (string & {});

/** One result of a health check. */
export interface Finding {
  readonly check: string;
  readonly severity: Severity;
  /** One line a person can read. */
  readonly message: string;
  readonly area?: HealthArea;
  /** What to do about it. */
  readonly recommendation?: string;
  /** The figures behind it. */
  readonly data?: Record<string, unknown>;
}

/** Multi-token contract: a check over one collection. */
export interface HealthCheck {
  readonly name: string;
  readonly area?: HealthArea;
  run(snapshot: Snapshot): Finding[] | Promise<Finding[]>;
}

const ORDER: Record<Severity, number> = { ok: 0, info: 1, warning: 2, critical: 3 };

/** Compares severities: negative when `a` is milder than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return ORDER[a] - ORDER[b];
}

/** The worst severity of a list of findings (`ok` for none). */
export function worstSeverity(findings: readonly { severity: Severity }[]): Severity {
  let worst: Severity = 'ok';
  for (const f of findings) if (ORDER[f.severity] > ORDER[worst]) worst = f.severity;
  return worst;
}
