import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, HttpRoute, MetricStream } from '@vitals/core';
import { EXPOSITION_CONTENT_TYPE, renderExposition } from './exposition.renderer';
import type { DescriptorLookup } from './exposition.renderer';

/** What the route reads. */
export interface MetricsSource {
  readonly stream: MetricStream;
  readonly descriptors: DescriptorLookup;
  readonly clock: Clock;
}

/**
 * `GET <path>`: the host's latest values in the Prometheus text format. It renders what the
 * stream already holds (`MetricStream.latest()`), so a scrape costs a string build and never
 * collects or blocks on a collector.
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
    handle(_req: IncomingMessage, res: ServerResponse) {
      const s = source();
      const body = s
        ? renderExposition(s.stream.latest(), s.descriptors, {
            staleAfterMs: options.staleAfterMs,
            now: s.clock.now(),
          })
        : '';
      res.writeHead(200, {
        'Content-Type': EXPOSITION_CONTENT_TYPE,
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-store',
      });
      res.end(body);
    },
  };
}
