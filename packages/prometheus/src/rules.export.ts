import type { AlertRule, Labels } from '@vitals/core';

/** One Prometheus alerting rule. */
export interface PrometheusAlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A Prometheus rule file (`groups:`), as `promtool check rules` reads it. */
export interface PrometheusRuleFile {
  readonly groups: readonly {
    readonly name: string;
    readonly interval?: string;
    readonly rules: readonly PrometheusAlertingRule[];
  }[];
}

/** Options of {@link toPrometheusRules}. */
export interface RuleExportOptions {
  /** Name of the rule group. @default 'vitals' */
  readonly group?: string;
  /** Evaluation interval of the group (the host's tick), e.g. `'1s'`; absent: Prometheus' global one. */
  readonly interval?: string;
  /** Labels a relative threshold is matched on between two series of one host. @default ['instance', 'job'] */
  readonly hostLabels?: readonly string[];
}

/** A duration in Prometheus' notation (`90000` → `1m30s`, `500` → `500ms`). */
export function promDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

/** A PromQL string literal (double-quoted, `\` and `"` escaped). */
const quote = (v: string): string => JSON.stringify(v);

/** `name{a="1",b="2"}` (a selector with only equality matchers). */
export function selector(metric: string, labels: Labels = {}, extra: Labels = {}): string {
  const all = { ...labels, ...extra };
  const keys = Object.keys(all);
  if (keys.length === 0) return metric;
  return `${metric}{${keys.map((k) => `${k}=${quote(all[k])}`).join(',')}}`;
}

/** A number as PromQL reads it (`Infinity` → `+Inf`). */
const num = (v: number): string =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);

/** `metric op bound`, where bound is a number or a number times the relative series of the host. */
function comparison(rule: AlertRule, bound: number, on: string): string {
  const left = selector(rule.metric, rule.labels);
  if (!rule.relativeTo) return `${left} ${rule.op} ${num(bound)}`;
  // The engine takes one value of the relative series per host: one per (instance, job) here.
  const base = `max by (${on}) (${selector(rule.relativeTo.metric, rule.relativeTo.labels)})`;
  return `${left} ${rule.op} on (${on}) group_left () (${num(bound)} * ${base})`;
}

/**
 * One Vitals rule as a Prometheus alerting rule that means the same in PromQL:
 *
 * - the condition is `metric{labels} op threshold`; with `relativeTo`, the threshold is
 *   multiplied by the relative series of the same host (`on (instance, job) group_left`, its
 *   maximum when it has several series, where the engine reads one);
 * - `for` is the rule's `for`; `severity` is a label; `alertname` is the rule id;
 * - the clear threshold (hysteresis) is kept: while the alert fires it stays firing as long as
 *   the value is past `clear`, through `or (metric op clear and ignoring (alertname, alertstate,
 *   severity) ALERTS{alertname="<id>",alertstate="firing"})`, so a value hovering at the line
 *   does not flap;
 * - `cooldown` (minimum time between two firings) has no PromQL form: it is written as the
 *   annotation `vitals_cooldown` and belongs in Alertmanager's `repeat_interval`.
 */
export function toPrometheusRule(
  rule: AlertRule,
  hostLabels = ['instance', 'job'],
): PrometheusAlertingRule {
  const on = hostLabels.join(', ');
  const trigger = comparison(rule, rule.threshold, on);
  const clear = rule.clear;
  const hysteresis = clear !== undefined && clear !== rule.threshold;
  const firing = selector('ALERTS', {}, { alertname: rule.id, alertstate: 'firing' });
  const expr = hysteresis
    ? `${trigger}\nor\n(${comparison(rule, clear, on)} and ignoring (alertname, alertstate, severity) ${firing})`
    : trigger;
  const annotations: Record<string, string> = {
    summary: rule.summary ?? rule.id,
    description: `${rule.metric} = {{ $value }} on {{ $labels.instance }} (${rule.op} ${num(rule.threshold)}${rule.relativeTo ? ` × ${rule.relativeTo.metric}` : ''})`,
  };
  if (rule.cooldown > 0) annotations.vitals_cooldown = promDuration(rule.cooldown);
  return {
    alert: rule.id,
    expr,
    ...(rule.for > 0 ? { for: promDuration(rule.for) } : {}),
    labels: { severity: rule.severity },
    annotations,
  };
}

/**
 * The host's rules as a Prometheus rule file object (one group), for `promtool check rules` and
 * Prometheus' `rule_files`.
 * @example stringify(toPrometheusRules(host.alerts.rules()))
 */
export function toPrometheusRules(
  rules: readonly AlertRule[],
  options: RuleExportOptions = {},
): PrometheusRuleFile {
  return {
    groups: [
      {
        name: options.group ?? 'vitals',
        ...(options.interval ? { interval: options.interval } : {}),
        rules: rules.map((r) =>
          toPrometheusRule(r, [...(options.hostLabels ?? ['instance', 'job'])]),
        ),
      },
    ],
  };
}

/** {@link toPrometheusRules} as YAML text, with a header comment naming its source. */
export function prometheusRulesYaml(
  rules: readonly AlertRule[],
  options: RuleExportOptions = {},
): string {
  return (
    "# Generated by `vitals rules export` from the host's effective alert rules.\n" +
    // Loaded here, not with the plugin: yaml is ~1 MB of heap that only `vitals rules export` uses.
    (require('yaml') as typeof import('yaml')).stringify(toPrometheusRules(rules, options), {
      lineWidth: 0,
    })
  );
}
