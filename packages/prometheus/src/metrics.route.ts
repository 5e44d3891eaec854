import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, gzip, gzipSync } from 'node:zlib';
import { prometheusAlertLabels } from '@vitals/core';
import type {
  AlertEngine,
  Clock,
  HttpRoute,
  MetricDescriptor,
  MetricStream,
  SeriesValue,
} from '@vitals/core';
import { EXPOSITION_CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE } from './exposition.renderer';
import type { DescriptorLookup } from './exposition.renderer';
import { ExpositionCache } from './exposition.cache';
import { compressFor, negotiate } from './content.negotiation';
import type { Compression, Negotiated } from './content.negotiation';

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
 * Bodies up to this size are compressed synchronously: at gzip level 1 a typical scrape (30 KB)
 * takes ~60 µs on the loop, where a thread-pool round trip costs several times that in CPU.
 */
const SYNC_GZIP_MAX_BYTES = 256 * 1024;
/** Fastest deflate: exposition text compresses ~8× at level 1, within 7 % of level 6, at ¼ the CPU. */
const GZIP_OPTIONS = { level: constants.Z_BEST_SPEED };

/**
 * `GET <path>`: the host's latest values in the Prometheus text format 0.0.4, or OpenMetrics
 * 1.0.0 when the `Accept` header prefers `application/openmetrics-text` (as Prometheus' scraper
 * does), gzip-compressed (level 1) when `Accept-Encoding` allows gzip and `options.compression`
 * (default `auto`: not for a scraper on loopback, see {@link Compression}) agrees — on the loop up
 * to 256 KiB, on libuv's thread pool above. It renders what the stream already holds (its live records, see
 * `MetricStream.live()`) plus the alert state, through an {@link ExpositionCache}, so a scrape
 * never collects or blocks on a collector, and series that did not change cost almost nothing.
 *
 * @example container.register(HTTP_ROUTE, { useValue: metricsRoute(() => host, { path: '/metrics' }) })
 */
export function metricsRoute(
  source: () => MetricsSource | undefined,
  options: {
    path?: string;
    staleAfterMs?: number;
    public?: boolean;
    compression?: Compression;
  } = {},
): HttpRoute {
  const compression = options.compression ?? 'auto';
  let cached: { source: MetricsSource; cache: ExpositionCache } | undefined;
  const cacheFor = (s: MetricsSource): ExpositionCache => {
    if (cached?.source !== s) {
      const lookup: DescriptorLookup = {
        get: (name) => ALERT_DESCRIPTORS.get(name) ?? s.descriptors.get(name),
        get version() {
          return s.descriptors.version;
        },
      };
      cached = { source: s, cache: new ExpositionCache(lookup) };
    }
    return cached.cache;
  };
  // Prometheus sends the same two headers on every scrape: parse each pair once.
  let lastHeaders: { accept?: string; encoding?: string; result: Negotiated } | undefined;
  const negotiated = (req: IncomingMessage): Negotiated => {
    const accept = req.headers.accept;
    const encoding = req.headers['accept-encoding'];
    if (
      lastHeaders === undefined ||
      lastHeaders.accept !== accept ||
      lastHeaders.encoding !== encoding
    )
      lastHeaders = { accept, encoding, result: negotiate(req.headers) };
    return lastHeaders.result;
  };
  return {
    method: 'GET',
    path: options.path ?? '/metrics',
    public: options.public ?? false,
    handle(req: IncomingMessage, res: ServerResponse) {
      const s = source();
      const asked = negotiated(req);
      const { openMetrics } = asked;
      const compress = compressFor(compression, asked, req.socket.remoteAddress, req.headers);
      let body = '';
      if (s) {
        const now = s.clock.now();
        const values = s.stream.live();
        const extra = s.alerts ? alertSeries(s.alerts, now) : [];
        body = cacheFor(s).render(values, s.stream.version, extra, {
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
      const plain = () => {
        // A Buffer, not the string: Node would copy headers and a string body into one more
        // string to send them in one write.
        const data = Buffer.from(body);
        res.writeHead(200, { ...headers, 'Content-Length': data.length });
        res.end(data);
      };
      const zipped = (data: Buffer) => {
        res.writeHead(200, {
          ...headers,
          'Content-Encoding': 'gzip',
          'Content-Length': data.length,
        });
        res.end(data);
      };
      if (!compress) return plain();
      if (body.length <= SYNC_GZIP_MAX_BYTES) {
        let data: Buffer;
        try {
          data = gzipSync(body, GZIP_OPTIONS);
        } catch {
          // Never leave a scrape unanswered: fall back to the plain body.
          return plain();
        }
        return zipped(data);
      }
      gzip(body, GZIP_OPTIONS, (error, data) => (error ? plain() : zipped(data)));
    },
  };
}
