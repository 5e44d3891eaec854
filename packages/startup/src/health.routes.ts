import type { ServerResponse } from 'node:http';
import type { HttpRoute } from '@vitals/core';
import type { Readiness } from './readiness';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * `/health/live` and `/health/ready`, public (no token) so a kubelet or load balancer can probe
 * them. Live answers 200 while the process can answer at all; ready answers 200 only when
 * {@link Readiness} says so, and 503 otherwise; the pending tasks and failing checks are shown
 * only to requests that carry the token when `http.token` is set (the status stays public).
 * @example for (const r of createHealthRoutes(readiness)) container.register(HTTP_ROUTE, { useValue: r });
 */
export function createHealthRoutes(
  readiness: Readiness,
  now: () => number = Date.now,
): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: '/health/live',
      public: true,
      handle(_req, res) {
        sendJson(res, 200, {
          status: 'up',
          pid: process.pid,
          uptimeSeconds: process.uptime(),
          at: now(),
        });
      },
    },
    {
      method: 'GET',
      path: '/health/ready',
      public: true,
      handle(_req, res, ctx) {
        const report = readiness.report();
        // The status is public; the findings (names of required variables…) need the token.
        const body = ctx.authorized
          ? { ...report, at: now() }
          : { ready: report.ready, status: report.status, at: now() };
        sendJson(res, report.ready ? 200 : 503, body);
      },
    },
  ];
}
