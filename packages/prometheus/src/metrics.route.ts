import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import { prometheusAlertLabels } from '@vitals/core';
import type {
  AlertEngine,
  Clock,
  HttpRoute,
  MetricDescriptor,
  MetricStream,
  SeriesValue,
} from '@vitals/core';
import {
  EXPOSITION_CONTENT_TYPE,
  OPENMETRICS_CONTENT_TYPE,
  renderExposition,
} from './exposition.renderer';
import type { DescriptorLookup } from './exposition.renderer';
import { negotiate } from './content.negotiation';

/** What the route reads. */
export interface MetricsSource {
  readonly stream: MetricStream;
  readonly descriptors: DescriptorLookup;
  readonly clock: Clock;
  /** When present, its firing and pending alerts are written as `ALERTS` and `ALERTS_FOR_STATE`. */
  readonly alerts?: Pick<AlertEngine, 'active' | 'pending'>;
}

/** Prometheus' own names for alert state series. */
export const ALERT_METRICS = { alerts: 'ALERTS', forState: 'ALERTS_FOR_STATE' } as const;

const ALERT_DESCRIPTORS: ReadonlyMap<string, MetricDescriptor> = new Map([
  [
    ALERT_METRICS.alerts,
    {
      name: ALERT_METRICS.alerts,
      type: 'gauge',
      unit: 'count',
      help: 'Alerts firing or pending on this host (1), as Prometheus writes its own ALERTS series',
      labelNames: ['alertname', 'alertstate', 'severity'],
    },
  ],
  [
    ALERT_METRICS.forState,
    {
      name: ALERT_METRICS.forState,
      type: 'gauge',
      unit: 'seconds',
      help: 'When each firing or pending alert became active, seconds since the epoch',
      labelNames: ['alertname', 'severity'],
    },
  ],
]);

/**
 * The alert state in Prometheus' shape: `ALERTS{alertname,alertstate,severity,…series labels} 1`
 * and `ALERTS_FOR_STATE{alertname,severity,…} <activeAt seconds>` for every firing and pending
 * alert, read from the engine at scrape time (a resolved alert's series disappear at once, as
 * in Prometheus).
 */
export function alertSeries(
  engine: Pick<AlertEngine, 'active' | 'pending'>,
  at: number,
): SeriesValue[] {
  const out: SeriesValue[] = [];
  const add = (state: 'firing' | 'pending') => (e: ReturnType<AlertEngine['active']>[number]) => {
    const labels = prometheusAlertLabels(e);
    out.push(
      {
        name: ALERT_METRICS.alerts,
        value: 1,
        labels: { ...labels, alertstate: state },
        at,
        source: 'alerts',
      },
      { name: ALERT_METRICS.forState, value: e.since / 1000, labels, at, source: 'alerts' },
    );
  };
  engine.active().forEach(add('firing'));
  engine.pending().forEach(add('pending'));
  return out;
}

/**
 * `GET <path>`: the host's latest values in the Prometheus text format 0.0.4, or OpenMetrics
 * 1.0.0 when the `Accept` header prefers `application/openmetrics-text` (as Prometheus' scraper
 * does), gzip-compressed when `Accept-Encoding` allows gzip (compressed off the event loop, on
 * libuv's thread pool). It renders what the stream already holds (`MetricStream.latest()`) plus
 * the alert state, so a scrape costs a string build and never collects or blocks on a collector.
 *
 * @example container.register(HTTP_ROUTE, { useValue: metricsRoute(() => host, { path: '/metrics' }) })
 */
export function metricsRoute(
  source: () => MetricsSource | undefined,
  options: { path?: string; staleAfterMs?: number; public?: boolean } = {},
): HttpRoute {
  return {
    method: 'GET',
    path: options.path ?? '/metrics',
    public: options.public ?? false,
    handle(req: IncomingMessage, res: ServerResponse) {
      const s = source();
      const { openMetrics, gzip: compress } = negotiate(req.headers);
      let body = '';
      if (s) {
        const now = s.clock.now();
        const values = s.alerts
          ? [...s.stream.latest(), ...alertSeries(s.alerts, now)]
          : s.stream.latest();
        const lookup: DescriptorLookup = {
          get: (name) => ALERT_DESCRIPTORS.get(name) ?? s.descriptors.get(name),
        };
        body = renderExposition(values, lookup, {
          staleAfterMs: options.staleAfterMs,
          now,
          format: openMetrics ? 'openmetrics' : 'text',
        });
      } else if (openMetrics) body = '# EOF\n';
      const headers = {
        'Content-Type': openMetrics ? OPENMETRICS_CONTENT_TYPE : EXPOSITION_CONTENT_TYPE,
        'Cache-Control': 'no-store',
        Vary: 'Accept, Accept-Encoding',
      };
      if (!compress) {
        res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      gzip(body, (error, zipped) => {
        if (error) {
          // Never leave a scrape hanging: fall back to the plain body.
          res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
          return;
        }
        res.writeHead(200, {
          ...headers,
          'Content-Encoding': 'gzip',
          'Content-Length': zipped.length,
        });
        res.end(zipped);
      });
    },
  };
}
