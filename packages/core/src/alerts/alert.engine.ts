import { Subject } from 'rxjs/internal/Subject';
import type { Observable, Subscription } from 'rxjs';
import { describeError } from '../errors';
import type { Logger } from '../logging/logger';
import { createNoopLogger } from '../logging/logger';
import { NO_LABELS, matchLabels } from '../metrics/labels';
import type { MetricStream } from '../metrics/metric.stream';
import type { Labels, MetricBatch, Sample } from '../metrics/metric.types';
import { formatAlertMessage } from './alert.format';
import type { AlertEvent, AlertOp, AlertRule, AlertRuleInput, AlertState } from './alert.types';
import { normalizeRule } from './rule.validator';
import { SeriesIndex } from '../metrics/series.index';

/** Transitions kept for `recent()`. */
const RECENT_LIMIT = 500;

const INACTIVE = 0;
const PENDING = 1;
const FIRING = 2;

const NEGATED: Record<AlertOp, AlertOp> = { '>': '<=', '>=': '<', '<': '>=', '<=': '>' };

/** What the engine knows about one series of one rule. Inactive entries live only while a cooldown runs. */
interface SeriesState {
  phase: number;
  /** When the condition started holding. */
  since: number;
  /** When the series last went to firing; -Infinity if never. */
  firedAt: number;
  /** When a sample of the series was last evaluated (staleness). */
  seenAt: number;
  readonly labels: Labels;
  value: number;
  firing: AlertEvent | undefined;
  /** The `pending` event while the series is pending. */
  pending: AlertEvent | undefined;
}

/** A rule with what evaluation needs precomputed. */
interface CompiledRule {
  rule: AlertRule;
  /** `>`/`>=` rather than `<`/`<=`. */
  readonly above: boolean;
  readonly inclusive: boolean;
  readonly clear: number;
  /** Per series of the rule's metric; looked up without building key strings (hot path). */
  readonly states: SeriesIndex<SeriesState>;
  removed: boolean;
}

/** Whether two rules decide the same: metric, labels, operator, thresholds, `for`, `relativeTo`. */
function sameCondition(a: AlertRule, b: AlertRule): boolean {
  return (
    a.metric === b.metric &&
    a.op === b.op &&
    a.threshold === b.threshold &&
    a.clear === b.clear &&
    a.for === b.for &&
    JSON.stringify(a.labels ?? {}) === JSON.stringify(b.labels ?? {}) &&
    JSON.stringify(a.relativeTo ?? null) === JSON.stringify(b.relativeTo ?? null)
  );
}

/** `event` with the series' latest value (the event itself when it has not changed). */
function current(event: AlertEvent, state: { value: number }): AlertEvent {
  return event.value === state.value ? event : Object.freeze({ ...event, value: state.value });
}

/** True when `value op threshold`, `op` described by `above`/`inclusive`. */
function holds(r: CompiledRule, value: number, threshold: number): boolean {
  return r.above
    ? r.inclusive
      ? value >= threshold
      : value > threshold
    : r.inclusive
      ? value <= threshold
      : value < threshold;
}

/**
 * Evaluates rules against every batch: pending → firing → resolved, `for`, cooldown, hysteresis
 * (`clear`), label matching, thresholds relative to another series. Rules are indexed by metric
 * name, so a batch costs nothing for the rules it does not concern. Rules can be added and removed
 * while running.
 *
 * Each series (rule id + series key of the sample) is evaluated on its own, with the batch's `at`
 * as the time, so `for` and `cooldown` follow the metric timestamps (virtual time in tests):
 * - inactive, condition true → `pending` (since = at); with `for` 0 straight to `firing` instead,
 *   when the cooldown allows.
 * - pending, condition false (against `threshold`) → inactive again, no event; held for ≥ `for` →
 *   `firing` once the cooldown allows (it stays pending until then).
 * - firing stays firing while `value op clear` holds (`clear` defaults to `threshold`); it resolves
 *   once it no longer does: for `>` when value ≤ clear, for `>=` when value < clear, mirrored for
 *   `<`/`<=`. A value hovering between `clear` and `threshold` does not flap.
 * - `relativeTo`: threshold and clear are multiplied by that series' latest value in the stream;
 *   while that value is unknown or ≤ 0 the rule is not evaluated.
 *
 * Events: `pending`, `firing`, `resolved` (whose message reads `value <= clear` for a `>` rule).
 * `event.threshold` is always the effective trigger threshold.
 *
 * @example
 * const engine = new AlertEngine(stream, logger);
 * engine.addRule({ id: 'mem', metric: 'vitals_system_memory_used_ratio', op: '>', threshold: 0.8, clear: 0.75, for: '30s' });
 * engine.alerts$.subscribe((e) => logger.warn(e, e.message));
 * engine.attach(stream.batches$);
 */
export class AlertEngine {
  private readonly subject = new Subject<AlertEvent>();
  private readonly byId = new Map<string, CompiledRule>();
  private readonly byMetric = new Map<string, CompiledRule[]>();
  private readonly history: AlertEvent[] = [];
  private readonly logger: Logger;
  /** Latest batch time seen: the time of transitions made outside a batch (removeRule). */
  private now = -Infinity;
  /** Batch time of the last staleness sweep. */
  private sweptAt = -Infinity;
  private readonly staleAfterMs: number;

  /** Every transition (hot; subscribe before publishing). */
  readonly alerts$: Observable<AlertEvent> = this.subject.asObservable();

  constructor(
    private readonly stream: MetricStream,
    logger?: Logger,
    options: {
      /**
       * A series that has not reported for this long is stale, as in Prometheus: a firing alert
       * on it resolves ("no data for …": a disk unmounted, a process gone) and a pending one is
       * dropped. @default 300000 (5 minutes)
       */
      staleAfterMs?: number;
    } = {},
  ) {
    this.logger = logger ?? createNoopLogger();
    this.staleAfterMs = options.staleAfterMs ?? 300_000;
  }

  /**
   * Adds a rule, or replaces the rule with the same id. A replacement that decides differently
   * (metric, labels, operator, thresholds, `for`, `relativeTo`) resolves the old rule's firing
   * series and starts afresh; one that changes only summary, severity or cooldown keeps every
   * series' state, and a firing alert takes the new message without a new transition. Throws
   * ERR_INVALID_ARGUMENT on a bad rule.
   */
  addRule(input: AlertRuleInput): AlertRule {
    const rule = normalizeRule(input);
    const existing = this.byId.get(rule.id);
    if (existing && sameCondition(existing.rule, rule)) {
      // Only the summary, severity or cooldown changed (the leak rule gaining its snapshot diff):
      // the alert goes on, as a Prometheus alert whose annotations change. Its firing event takes
      // the new message; no transition is emitted.
      existing.rule = rule;
      for (const state of existing.states.values()) {
        const f = state.firing;
        if (!f) continue;
        state.firing = Object.freeze({
          ...f,
          severity: rule.severity,
          message: formatAlertMessage(
            rule.summary ?? rule.id,
            rule.metric,
            state.labels,
            f.value,
            rule.op,
            f.threshold,
          ),
        });
      }
      return rule;
    }
    this.removeRule(rule.id);
    const compiled: CompiledRule = {
      rule,
      above: rule.op === '>' || rule.op === '>=',
      inclusive: rule.op === '>=' || rule.op === '<=',
      clear: rule.clear ?? rule.threshold,
      states: new SeriesIndex(),
      removed: false,
    };
    this.byId.set(rule.id, compiled);
    // Copy on write: an evaluation in progress keeps iterating the array it started with.
    this.byMetric.set(rule.metric, [...(this.byMetric.get(rule.metric) ?? []), compiled]);
    return rule;
  }

  /** Removes a rule; its firing alerts resolve. Returns false when there was no such rule. */
  removeRule(id: string): boolean {
    const compiled = this.byId.get(id);
    if (!compiled) return false;
    compiled.removed = true;
    this.byId.delete(id);
    const rest = (this.byMetric.get(compiled.rule.metric) ?? []).filter((r) => r !== compiled);
    if (rest.length > 0) this.byMetric.set(compiled.rule.metric, rest);
    else this.byMetric.delete(compiled.rule.metric);
    // Firing needs a batch, so `now` is the latest batch time here.
    for (const state of compiled.states.values()) {
      if (state.phase !== FIRING || !state.firing) continue;
      const { threshold } = state.firing;
      this.emit(compiled, 'resolved', state, state.value, threshold, this.now, 'rule removed');
    }
    compiled.states.clear();
    return true;
  }

  /** Every rule. */
  rules(): AlertRule[] {
    return [...this.byId.values()].map((r) => r.rule);
  }

  /** Evaluates one batch. */
  evaluate(batch: MetricBatch): void {
    const at = batch.at;
    if (at > this.now) this.now = at;
    if (this.byMetric.size === 0) return;
    const samples = batch.samples;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      const rules = this.byMetric.get(sample.name);
      if (rules === undefined) continue;
      for (let j = 0; j < rules.length; j++) this.step(rules[j], sample, at);
    }
    // At most once a second of batch time: cheap, and only series with a state are looked at.
    if (at - this.sweptAt >= 1000) {
      this.sweptAt = at;
      this.sweepStale(at);
    }
  }

  /** Resolves firing alerts (and forgets pending ones) whose series stopped reporting. */
  private sweepStale(at: number): void {
    this.byId.forEach((r) => {
      if (r.states.size === 0) return;
      const stale: SeriesState[] = [];
      r.states.forEach((state) => {
        if (at - state.seenAt > this.staleAfterMs) stale.push(state);
      });
      for (const state of stale) {
        r.states.delete(r.rule.metric, state.labels);
        if (state.phase !== FIRING || !state.firing) continue;
        const note = `no data for ${Math.round((at - state.seenAt) / 1000)}s: the series stopped reporting`;
        this.emit(r, 'resolved', state, state.value, state.firing.threshold, at, note);
      }
    });
  }

  private step(r: CompiledRule, sample: Sample, at: number): void {
    const rule = r.rule;
    const value = sample.value;
    if (r.removed || value !== value) return;
    if (rule.labels !== undefined && !matchLabels(sample.labels, rule.labels)) return;
    let threshold = rule.threshold;
    let clear = r.clear;
    if (rule.relativeTo !== undefined) {
      const base = this.stream.latestNumber(rule.relativeTo.metric, rule.relativeTo.labels);
      if (base === undefined || !(base > 0)) return;
      threshold *= base;
      clear *= base;
    }
    const triggered = holds(r, value, threshold);
    // Hot path: nothing pending, firing or cooling down for this rule, and nothing to start.
    if (!triggered && r.states.size === 0) return;
    let state = r.states.get(sample.name, sample.labels);
    if (state === undefined) {
      if (!triggered) return;
      const labels = sample.labels ? Object.freeze({ ...sample.labels }) : NO_LABELS;
      state = {
        phase: INACTIVE,
        since: at,
        firedAt: -Infinity,
        seenAt: at,
        labels,
        value,
        firing: undefined,
        pending: undefined,
      };
      r.states.set(sample.name, sample.labels, state);
    }
    state.value = value;
    state.seenAt = at;
    const cooled = at - state.firedAt >= rule.cooldown;
    if (state.phase === FIRING) {
      if (holds(r, value, clear)) return;
      state.phase = INACTIVE;
      state.firing = undefined;
      this.emit(r, 'resolved', state, value, threshold, at, undefined, clear);
      return;
    }
    if (!triggered) {
      // Pending without holding goes back to inactive silently; forget the series once no cooldown runs.
      state.phase = INACTIVE;
      if (cooled) r.states.delete(sample.name, sample.labels);
      return;
    }
    if (state.phase === INACTIVE) {
      state.since = at;
      if (rule.for > 0 || !cooled) {
        state.phase = PENDING;
        this.emit(r, 'pending', state, value, threshold, at);
        return;
      }
    } else if (at - state.since < rule.for || !cooled) {
      return;
    }
    state.phase = FIRING;
    state.firedAt = at;
    this.emit(r, 'firing', state, value, threshold, at);
  }

  private emit(
    r: CompiledRule,
    kind: AlertState,
    state: SeriesState,
    value: number,
    threshold: number,
    at: number,
    note?: string,
    clear?: number,
  ): void {
    const { rule } = r;
    const resolvedAgainst = kind === 'resolved' && clear !== undefined;
    const event: AlertEvent = Object.freeze({
      ruleId: rule.id,
      state: kind,
      severity: rule.severity,
      metric: rule.metric,
      labels: state.labels,
      value,
      threshold,
      at,
      since: state.since,
      message: formatAlertMessage(
        rule.summary ?? rule.id,
        rule.metric,
        state.labels,
        value,
        resolvedAgainst ? NEGATED[rule.op] : rule.op,
        resolvedAgainst ? clear : threshold,
        note,
      ),
    });
    // Set before emitting, so a subscriber that removes the rule right away still resolves it.
    if (kind === 'firing') state.firing = event;
    state.pending = kind === 'pending' ? event : undefined;
    this.history.push(event);
    if (this.history.length > RECENT_LIMIT) this.history.shift();
    this.subject.next(event);
  }

  /** Evaluates every batch of `batches$`; unsubscribe to detach. */
  attach(batches$: Observable<MetricBatch>): Subscription {
    return batches$.subscribe((batch) => {
      try {
        this.evaluate(batch);
      } catch (error) {
        this.logger.error(
          { source: batch?.source, err: describeError(error) },
          'alert engine could not evaluate a batch',
        );
      }
    });
  }

  /**
   * Alerts currently firing: their `firing` events (message and `at` from when they fired) with
   * `value` the series' latest evaluated value, as Prometheus' `/api/v1/alerts` reports it.
   */
  active(): AlertEvent[] {
    const out: AlertEvent[] = [];
    // forEach: asked on every scrape; for…of would allocate per rule and per series.
    this.byId.forEach((r) => {
      if (r.states.size > 0)
        r.states.forEach((state) => {
          if (state.firing) out.push(current(state.firing, state));
        });
    });
    return out;
  }

  /**
   * Alerts pending: the condition holds, `for` (or a cooldown) has not yet passed. Each is its
   * `pending` event with `value` the latest evaluated value.
   */
  pending(): AlertEvent[] {
    const out: AlertEvent[] = [];
    this.byId.forEach((r) => {
      if (r.states.size > 0)
        r.states.forEach((state) => {
          if (state.phase === PENDING && state.pending) out.push(current(state.pending, state));
        });
    });
    return out;
  }

  /** The last transitions, newest last (at most 500 are kept). @default limit 500 */
  recent(limit = RECENT_LIMIT): AlertEvent[] {
    if (!(limit > 0)) return [];
    return this.history.slice(-Math.floor(limit));
  }
}
