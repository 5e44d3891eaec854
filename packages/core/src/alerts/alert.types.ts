import type { Labels } from '../metrics/metric.types';

/** Comparison of a rule. */
export type AlertOp = '>' | '>=' | '<' | '<=';

/** Alert severities. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** Transitions an alert goes through (Prometheus semantics). */
export type AlertState = 'pending' | 'firing' | 'resolved';

/**
 * A rule. With `relativeTo`, `threshold` and `clear` are ratios of that series' latest value
 * (e.g. RSS > 0.8 × the cgroup memory limit).
 */
export interface AlertRule {
  readonly id: string;
  /** The metric name the rule watches. */
  readonly metric: string;
  /** Only series whose labels include these. */
  readonly labels?: Labels;
  readonly op: AlertOp;
  readonly threshold: number;
  /**
   * Hysteresis: a firing alert resolves only once the value is back past `clear` (below it for
   * `>`/`>=`). @default threshold
   */
  readonly clear?: number;
  /** How long the condition must hold before firing, ms. @default 0 */
  readonly for: number;
  readonly severity: AlertSeverity;
  /** Minimum time between two firings of the same series, ms. @default 0 */
  readonly cooldown: number;
  /** Threshold relative to another series' latest value. */
  readonly relativeTo?: { readonly metric: string; readonly labels?: Labels };
  /** Human text, e.g. "System memory above 80 %". */
  readonly summary?: string;
}

/** What `addRule` accepts: durations may be strings (`'30s'`), defaults apply. */
export type AlertRuleInput = Omit<AlertRule, 'for' | 'cooldown' | 'severity'> & {
  readonly for?: number | string;
  readonly cooldown?: number | string;
  readonly severity?: AlertSeverity;
};

/** One transition, as `alerts$` emits it. */
export interface AlertEvent {
  readonly ruleId: string;
  readonly state: AlertState;
  readonly severity: AlertSeverity;
  readonly metric: string;
  readonly labels: Labels;
  /** The value that caused the transition. */
  readonly value: number;
  /** The effective threshold (absolute, after `relativeTo`). */
  readonly threshold: number;
  /** When the transition happened (the batch time). */
  readonly at: number;
  /** When the condition started holding. */
  readonly since: number;
  /** One line: summary, value and threshold. */
  readonly message: string;
}
