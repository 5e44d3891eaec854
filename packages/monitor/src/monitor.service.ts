import type { Observable, Subscription } from 'rxjs';
import { EMPTY } from 'rxjs/internal/observable/empty';
import type {
  AlertEngine,
  AlertEvent,
  AlertRuleInput,
  Collector,
  Labels,
  Logger,
  MetricStream,
  Clock,
} from '@vitals/core';
import type { AppCounter, AppGauge, AppMetrics } from './app/app.metrics';
import type { AlertDispatcher, AlertListener } from './alerts/alert.dispatcher';
import { notStarted } from './monitor.errors';
import type { MonitorService } from './monitor.tokens';
import { CollectScheduler } from './scheduler/collect.scheduler';
import type { SchedulerOptions, TickReport } from './scheduler/collect.scheduler';
import type { Trend, TrendAnalyzer } from './trends/trend.analyzer';

/** What the service is built from. */
export interface MonitorParts {
  readonly app: AppMetrics;
  readonly trends: TrendAnalyzer;
  readonly dispatcher: AlertDispatcher;
  readonly alerts: AlertEngine;
  readonly rules: readonly AlertRuleInput[];
  readonly scheduler: SchedulerOptions;
}

/**
 * The monitor of one host: owns the scheduler while running, adds and removes its alert rules,
 * and implements {@link MonitorService} for application code.
 */
export class Monitor implements MonitorService {
  private scheduler?: CollectScheduler;
  private subscription?: Subscription;
  private readonly ruleIds: string[] = [];

  constructor(private readonly parts: MonitorParts) {}

  /** Adds the rules, delivers alerts and starts ticking (the first tick runs now). */
  start(
    collectors: readonly Collector[],
    stream: MetricStream,
    logger: Logger,
    clock: Clock,
  ): void {
    if (this.scheduler) return;
    for (const rule of this.parts.rules) this.ruleIds.push(this.parts.alerts.addRule(rule).id);
    this.subscription = this.parts.dispatcher.attach(this.parts.alerts.alerts$);
    this.scheduler = new CollectScheduler(collectors, stream, logger, clock, this.parts.scheduler);
    this.scheduler.start();
  }

  /** Stops ticking, removes the rules, waits for deliveries in flight. Idempotent. */
  async stop(): Promise<void> {
    const scheduler = this.scheduler;
    this.scheduler = undefined;
    await scheduler?.stop();
    // Detach callbacks first: removing a rule resolves its alerts, and a webhook must not
    // report "resolved" just because the host is stopping.
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    for (const id of this.ruleIds.splice(0)) this.parts.alerts.removeRule(id);
    await this.parts.dispatcher.idle();
  }

  get ticks$(): Observable<TickReport> {
    return this.scheduler?.ticks$ ?? EMPTY;
  }

  onAlert(fn: AlertListener): () => void {
    return this.parts.dispatcher.onAlert(fn);
  }

  activeAlerts(): AlertEvent[] {
    return this.parts.alerts.active();
  }

  trend(metric: string, window: number | string, labels?: Labels): Trend {
    return this.parts.trends.trend(metric, window, labels);
  }

  timer(operation: string, labels?: Labels): () => number {
    return this.parts.app.timer(operation, labels);
  }

  track<T>(operation: string, fn: () => T, labels?: Labels): T {
    return this.parts.app.track(operation, fn, labels);
  }

  counter(name: string, labels?: Labels, help?: string): AppCounter {
    return this.parts.app.counter(name, labels, help);
  }

  gauge(name: string, labels?: Labels, help?: string): AppGauge {
    return this.parts.app.gauge(name, labels, help);
  }

  tick(): Promise<TickReport> {
    if (!this.scheduler) return Promise.reject(notStarted('monitor.tick()'));
    return this.scheduler.tick();
  }
}
