import { createToken } from '@vitals/core';
import type { AlertEvent, Labels } from '@vitals/core';
import type { Observable } from 'rxjs';
import type { AppCounter, AppGauge } from './app/app.metrics';
import type { AlertListener } from './alerts/alert.dispatcher';
import type { TickReport } from './scheduler/collect.scheduler';
import type { Trend } from './trends/trend.analyzer';

/**
 * What the monitor plugin offers code in the same host: alert callbacks, trends, application
 * timers, counters and gauges. Resolve it with `host.container.resolve(asInjectionToken(MONITOR))`.
 */
export interface MonitorService {
  /**
   * Calls `fn` on every alert transition in `alerts.notify` (firing and resolved by default).
   * A listener that throws is logged, never fatal. Returns a function that removes it.
   */
  onAlert(fn: AlertListener): () => void;
  /** Alerts firing now. */
  activeAlerts(): AlertEvent[];
  /** Moving average, slope and projection of any series over `window` (`'10m'` or ms). */
  trend(metric: string, window: number | string, labels?: Labels): Trend;
  /** Starts timing an operation; call the result when it ends. */
  timer(operation: string, labels?: Labels): () => number;
  /** Times a sync or async function. */
  track<T>(operation: string, fn: () => T, labels?: Labels): T;
  /** A counter for business events (created on first use). */
  counter(name: string, labels?: Labels, help?: string): AppCounter;
  /** A gauge (created on first use). */
  gauge(name: string, labels?: Labels, help?: string): AppGauge;
  /** Runs one tick now (or joins the one in flight) and returns its report. */
  tick(): Promise<TickReport>;
  /** Every finished tick. */
  readonly ticks$: Observable<TickReport>;
}

/**
 * The monitor service token.
 * @example host.container.resolve(asInjectionToken(MONITOR)).onAlert((e) => pager.send(e.message));
 */
export const MONITOR = createToken<MonitorService>('@vitals/monitor:Monitor');
