import { VitalsError, describeError } from '../errors';
import type { Labels } from '../metrics/metric.types';
import { parseDuration } from '../util/units';
import type { AlertOp, AlertRule, AlertRuleInput, AlertSeverity } from './alert.types';

const OPS: readonly AlertOp[] = ['>', '>=', '<', '<='];
const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function invalid(where: string, what: string, cause?: unknown): VitalsError {
  return new VitalsError('ERR_INVALID_ARGUMENT', `${where}: ${what}`, { cause });
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function labelSet(value: unknown, where: string, field: string): Labels | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(
      where,
      `${field} must be an object of string values, e.g. { mountpoint: "/" } (got ${show(value)})`,
    );
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw invalid(where, `${field}.${k} must be a string (got ${show(v)})`);
    }
  }
  return Object.freeze({ ...(value as Labels) });
}

function duration(value: unknown, where: string, field: string): number {
  if (value === undefined) return 0;
  try {
    return parseDuration(value as number | string);
  } catch (error) {
    throw invalid(where, `${field}: ${describeError(error)}`, error);
  }
}

/**
 * Checks an {@link AlertRuleInput} and returns the frozen {@link AlertRule} with defaults applied
 * (`for` 0, `cooldown` 0, `severity` 'warning', durations in ms). Throws a one-line
 * `VitalsError('ERR_INVALID_ARGUMENT')` naming the rule, the field and what is expected.
 *
 * @example normalizeRule({ id: 'mem', metric: 'vitals_system_memory_used_ratio', op: '>', threshold: 0.8, for: '30s' })
 */
export function normalizeRule(input: AlertRuleInput): AlertRule {
  if (input === null || typeof input !== 'object') {
    throw invalid(
      'alert rule',
      `must be an object { id, metric, op, threshold } (got ${show(input)})`,
    );
  }
  if (!nonEmpty(input.id)) {
    throw invalid('alert rule', `needs an id, a non-empty string (got ${show(input.id)})`);
  }
  const where = `alert rule ${show(input.id)}`;
  if (!nonEmpty(input.metric)) {
    throw invalid(where, `needs a metric name, a non-empty string (got ${show(input.metric)})`);
  }
  if (!OPS.includes(input.op)) {
    throw invalid(where, `op must be one of ${OPS.join(' ')} (got ${show(input.op)})`);
  }
  if (typeof input.threshold !== 'number' || !Number.isFinite(input.threshold)) {
    throw invalid(where, `threshold must be a finite number (got ${show(input.threshold)})`);
  }
  const above = input.op === '>' || input.op === '>=';
  if (input.clear !== undefined) {
    if (typeof input.clear !== 'number' || !Number.isFinite(input.clear)) {
      throw invalid(where, `clear must be a finite number (got ${show(input.clear)})`);
    }
    if (above ? input.clear > input.threshold : input.clear < input.threshold) {
      throw invalid(
        where,
        `clear (${input.clear}) must be ${above ? 'at or below' : 'at or above'} the threshold (${input.threshold}) for op ${input.op}`,
      );
    }
  }
  const severity = input.severity ?? 'warning';
  if (!SEVERITIES.includes(severity)) {
    throw invalid(
      where,
      `severity must be one of ${SEVERITIES.join(', ')} (got ${show(severity)})`,
    );
  }
  let relativeTo: AlertRule['relativeTo'];
  if (input.relativeTo !== undefined) {
    if (input.relativeTo === null || !nonEmpty(input.relativeTo.metric)) {
      throw invalid(
        where,
        `relativeTo needs a metric name, e.g. { metric: "node_memory_MemTotal_bytes" } (got ${show(input.relativeTo)})`,
      );
    }
    const labels = labelSet(input.relativeTo.labels, where, 'relativeTo.labels');
    relativeTo = Object.freeze(
      labels ? { metric: input.relativeTo.metric, labels } : { metric: input.relativeTo.metric },
    );
  }
  if (input.summary !== undefined && typeof input.summary !== 'string') {
    throw invalid(where, `summary must be a string (got ${show(input.summary)})`);
  }
  const rule: AlertRule = {
    id: input.id,
    metric: input.metric,
    op: input.op,
    threshold: input.threshold,
    for: duration(input.for, where, 'for'),
    cooldown: duration(input.cooldown, where, 'cooldown'),
    severity,
    ...(input.labels !== undefined && { labels: labelSet(input.labels, where, 'labels') }),
    ...(input.clear !== undefined && { clear: input.clear }),
    ...(relativeTo && { relativeTo }),
    ...(input.summary !== undefined && { summary: input.summary }),
  };
  return Object.freeze(rule);
}
