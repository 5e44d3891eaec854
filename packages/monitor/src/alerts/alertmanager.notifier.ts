import { hostname } from 'node:os';
import type { Observable, Subscription } from 'rxjs';
import { describeError, prometheusAlertLabels } from '@vitals/core';
import type { AlertEvent, AlertRule, Clock, Collector, Logger, Sample } from '@vitals/core';
import { MONITOR_METRICS } from '../monitor.metrics';

/** Where and how alerts reach an Alertmanager. */
export interface AlertmanagerTarget {
  /** Base URL of the Alertmanager, e.g. `http://alertmanager:9093` (`/api/v2/alerts` is added). */
  readonly url: string;
  /** Firing alerts are posted again this often, as Prometheus does (`--rules.alert.resend-delay`). @default 60000 */
  readonly resendIntervalMs?: number;
  /** Per request. @default 5000 */
  readonly timeoutMs?: number;
  /** Link back to the source of each alert. @default `http://<hostname>:9477/api/alerts` */
  readonly generatorURL?: string;
  /** Extra request headers (e.g. `Authorization`). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One alert as Alertmanager's API v2 `postableAlert` takes it. */
export interface PostableAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
}

interface Active {
  readonly event: AlertEvent;
}

/** What the notifier follows: core's `AlertEngine` fits. */
export interface AlertSource {
  readonly alerts$: Observable<AlertEvent>;
  rules(): AlertRule[];
}

/**
 * Posts the host's alerts to an Alertmanager's API v2 (`POST <url>/api/v2/alerts`) the way
 * Prometheus does, so hosts without a Prometheus reach the same routing, silences and inhibition:
 * a firing alert is posted at once and again every `resendIntervalMs` while it fires, with
 * `endsAt` four intervals ahead (Alertmanager resolves it by itself if the host dies); a resolved
 * alert is posted once with `endsAt` = the time it resolved. Labels are the series' labels plus
 * `alertname` (the rule id) and `severity`; annotations `summary` and `description` (the message).
 * Failures are logged and counted in `vitals_alert_delivery_failures_total{kind="alertmanager"}`
 * (it is a collector); the next resend retries. Pending alerts are never sent.
 *
 * @example
 * const am = new AlertmanagerNotifier({ url: 'http://127.0.0.1:9093' }, logger, clock);
 * am.start(host.alerts); … am.stop();
 */
export class AlertmanagerNotifier implements Collector {
  readonly name = 'monitor.alertmanager';
  readonly descriptors = [];
  private readonly active = new Map<string, Active>();
  private readonly endpoint: string;
  private readonly resendMs: number;
  private readonly generatorURL: string;
  private subscription?: Subscription;
  private source?: AlertSource;
  private timer?: ReturnType<typeof setInterval>;
  private readonly inFlight = new Set<Promise<void>>();
  /** Posts that failed so far. */
  failures = 0;

  constructor(
    private readonly target: AlertmanagerTarget,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.endpoint = `${target.url.replace(/\/+$/, '')}/api/v2/alerts`;
    this.resendMs = target.resendIntervalMs ?? 60_000;
    this.generatorURL = target.generatorURL ?? `http://${hostname()}:9477/api/alerts`;
  }

  /** Follows `source.alerts$` and resends firing alerts on a timer (unref'd). Idempotent. */
  start(source: AlertSource): void {
    if (this.subscription) return;
    this.source = source;
    this.subscription = source.alerts$.subscribe((event) => this.onEvent(event));
    this.timer = setInterval(() => this.resend(), this.resendMs);
    this.timer.unref();
  }

  /** Stops following and resending (alerts already posted expire at their `endsAt`). Idempotent. */
  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves when every post started so far has settled. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Posts every firing alert again (the timer calls it). */
  resend(): void {
    if (this.active.size === 0) return;
    this.post([...this.active.values()].map((a) => this.toPostable(a.event, undefined)));
  }

  /** `vitals_alert_delivery_failures_total{kind="alertmanager"}`. */
  collect(): Sample[] {
    return [
      {
        name: MONITOR_METRICS.alertDeliveryFailures,
        value: this.failures,
        labels: { kind: 'alertmanager' },
      },
    ];
  }

  private onEvent(event: AlertEvent): void {
    const key = `${event.ruleId}\u0000${JSON.stringify(prometheusAlertLabels(event))}`;
    if (event.state === 'firing') {
      this.active.set(key, { event });
      this.post([this.toPostable(event, undefined)]);
    } else if (event.state === 'resolved') {
      const was = this.active.get(key);
      this.active.delete(key);
      this.post([this.toPostable(was?.event ?? event, event.at)]);
    }
  }

  private toPostable(event: AlertEvent, resolvedAt: number | undefined): PostableAlert {
    const endsAt = resolvedAt ?? this.clock.now() + 4 * this.resendMs;
    return {
      labels: prometheusAlertLabels(event),
      annotations: { summary: this.summary(event.ruleId), description: event.message },
      startsAt: new Date(event.since).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      generatorURL: this.generatorURL,
    };
  }

  private summary(ruleId: string): string {
    return this.source?.rules().find((r) => r.id === ruleId)?.summary ?? ruleId;
  }

  private post(alerts: PostableAlert[]): void {
    const timeoutMs = this.target.timeoutMs ?? 5000;
    const p = fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.target.headers },
      body: JSON.stringify(alerts),
      signal: AbortSignal.timeout(timeoutMs),
    })
      .then(async (res) => {
        const text = await res.text().catch(() => '');
        if (!res.ok) throw new Error(`answered ${res.status} ${text.slice(0, 200)}`);
      })
      .catch((error: unknown) => {
        this.failures++;
        this.logger.warn(
          { url: this.endpoint, alerts: alerts.length, err: describeError(error) },
          'alertmanager post failed',
        );
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
}
