import type { HttpRoute } from '../http/http.types';
import { sendJson } from '../http/http.respond';
import type { Labels } from '../metrics/metric.types';
import type { AlertEngine } from './alert.engine';
import type { AlertEvent } from './alert.types';

/** One alert as Prometheus' `GET /api/v1/alerts` lists it. */
export interface PrometheusAlert {
  /** The series' labels plus `alertname` (the rule id) and `severity`. */
  readonly labels: Readonly<Record<string, string>>;
  /** `summary` (the rule's, or its id) and `description` (the one-line message). */
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
  /** When the condition started holding, RFC 3339. */
  readonly activeAt: string;
  /** The value that caused the last transition, as Go's `strconv.FormatFloat(v, 'e', -1, 64)`. */
  readonly value: string;
}

/**
 * An alert's labels in Prometheus' shape: the series' own labels, then `alertname` (the rule
 * id) and `severity`, which win over a series label of the same name (as a rule's labels do).
 * @example prometheusAlertLabels(event) // { mountpoint: '/', alertname: 'disk-used', severity: 'warning' }
 */
export function prometheusAlertLabels(event: AlertEvent): Labels {
  return { ...event.labels, alertname: event.ruleId, severity: event.severity };
}

/** A float as Go's `strconv.FormatFloat(v, 'e', -1, 64)` writes it (`0.85` → `8.5e-01`). */
export function goExponent(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}

/**
 * Firing and pending alerts of `engine` in the shape of Prometheus' `/api/v1/alerts` entries
 * (firing first). `summaries` maps a rule id to its summary text.
 */
export function prometheusAlerts(engine: AlertEngine): PrometheusAlert[] {
  const summaries = new Map(engine.rules().map((r) => [r.id, r.summary ?? r.id]));
  const entry = (e: AlertEvent, state: 'pending' | 'firing'): PrometheusAlert => ({
    labels: prometheusAlertLabels(e),
    annotations: { summary: summaries.get(e.ruleId) ?? e.ruleId, description: e.message },
    state,
    activeAt: new Date(e.since).toISOString(),
    value: goExponent(e.value),
  });
  return [
    ...engine.active().map((e) => entry(e, 'firing')),
    ...engine.pending().map((e) => entry(e, 'pending')),
  ];
}

/**
 * `GET /api/alerts`: the host's firing and pending alerts in the shape of Prometheus'
 * `GET /api/v1/alerts` — `{ status: 'success', data: { alerts: [{ labels, annotations, state,
 * activeAt, value }] } }` — so tools written for Prometheus read a Vitals host too. Core
 * registers it whenever the HTTP server runs (behind `http.token` like every non-public route).
 *
 * @example curl -s http://127.0.0.1:9477/api/alerts | jq '.data.alerts[].labels.alertname'
 */
export function alertsRoute(engine: AlertEngine, path = '/api/alerts'): HttpRoute {
  return {
    method: 'GET',
    path,
    handle(_req, res) {
      sendJson(res, 200, { status: 'success', data: { alerts: prometheusAlerts(engine) } });
    },
  };
}
