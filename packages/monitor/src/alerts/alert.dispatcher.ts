import type { Observable, Subscription } from 'rxjs';
import { describeError } from '@vitals/core';
import type { AlertEvent, AlertState, Collector, Logger, Sample } from '@vitals/core';
import { ALERT_DESCRIPTORS, MONITOR_METRICS } from '../monitor.metrics';
import { postWebhook, runCommand } from './alert.notifiers';
import type { CommandTarget, WebhookTarget } from './alert.notifiers';

/** A callback for alert transitions; it may be async. */
export type AlertListener = (event: AlertEvent) => void | Promise<void>;

/** Options of {@link AlertDispatcher}. */
export interface AlertDispatcherOptions {
  /** Transitions delivered. @default ['firing', 'resolved'] */
  readonly notify?: readonly AlertState[];
  readonly webhook?: WebhookTarget;
  readonly command?: CommandTarget;
}

/**
 * Delivers alert transitions to `onAlert` listeners, a webhook and a command. Every delivery is
 * isolated: a listener that throws or rejects, a webhook that fails or a command that exits
 * non-zero is logged (with the alert's rule id) and counted in `failures`; nothing propagates.
 * It is also a collector: `vitals_alert_delivery_failures_total{kind}` (listener, webhook,
 * command) is published every tick, so a broken pager shows up in Prometheus too.
 *
 * @example
 * const d = new AlertDispatcher(logger, { webhook: { url } });
 * d.onAlert((e) => console.log(e.message));
 * d.attach(engine.alerts$);
 */
export class AlertDispatcher implements Collector {
  readonly name = 'monitor.alerts';
  readonly descriptors = ALERT_DESCRIPTORS;
  private readonly listeners = new Set<AlertListener>();
  private readonly failuresByKind = new Map<string, number>([
    ['listener', 0],
    ['webhook', 0],
    ['command', 0],
  ]);
  private readonly notify: ReadonlySet<AlertState>;
  private readonly pending = new Set<Promise<void>>();
  /** Deliveries that failed so far. */
  failures = 0;

  constructor(
    private readonly logger: Logger,
    private readonly options: AlertDispatcherOptions = {},
  ) {
    this.notify = new Set(options.notify ?? ['firing', 'resolved']);
  }

  /** Adds a listener; returns a function that removes it. */
  onAlert(fn: AlertListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Delivers every transition of `alerts$`; unsubscribe to detach. */
  attach(alerts$: Observable<AlertEvent>): Subscription {
    return alerts$.subscribe((event) => this.dispatch(event));
  }

  /** Delivers one transition (when its state is in `notify`). */
  dispatch(event: AlertEvent): void {
    if (!this.notify.has(event.state)) return;
    for (const fn of this.listeners) this.guard('listener', event, () => fn(event));
    const { webhook, command } = this.options;
    if (webhook) this.guard('webhook', event, () => postWebhook(webhook, event));
    if (command) this.guard('command', event, () => runCommand(command, event));
  }

  /** Failed deliveries so far, by kind. */
  collect(): Sample[] {
    const out: Sample[] = [];
    for (const [kind, n] of this.failuresByKind)
      out.push({ name: MONITOR_METRICS.alertDeliveryFailures, value: n, labels: { kind } });
    return out;
  }

  /** Resolves when every delivery started so far has settled (webhooks, commands, async listeners). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private guard(kind: string, event: AlertEvent, fn: () => void | Promise<void>): void {
    const report = (error: unknown) => {
      this.failures++;
      this.failuresByKind.set(kind, (this.failuresByKind.get(kind) ?? 0) + 1);
      this.logger.warn(
        { rule: event.ruleId, state: event.state, err: describeError(error) },
        `alert ${kind} failed`,
      );
    };
    try {
      const result = fn();
      if (result && typeof result.then === 'function') {
        const p: Promise<void> = result.catch(report).finally(() => this.pending.delete(p));
        this.pending.add(p);
      }
    } catch (error) {
      report(error);
    }
  }
}
