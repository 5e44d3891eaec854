import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  AlertEngine,
  Clock,
  DescriptorRegistry,
  History,
  HttpContext,
  HttpRoute,
  Logger,
  MetricStream,
  SupervisedService,
} from '@vitals/core';
import { describeError, isVitalsError } from '@vitals/core';
import type { DashboardConfig } from '../dashboard.options';
import { CHART_SERIES } from './dashboard.series';
import { EventHub } from './event.hub';
import { setSecurityHeaders } from './security.headers';
import { parseSelector } from './series.selector';
import type { SeriesSelector } from './series.selector';
import type { Asset } from './static.assets';
import { buildTables } from './view.model';
import type { AlertsView, TablesView } from './view.model';

/** What the dashboard's routes read: the host's core services. */
export interface DashboardSource {
  readonly stream: MetricStream;
  readonly history: History;
  readonly alerts: AlertEngine;
  readonly descriptors: DescriptorRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The supervisor's services (empty when nothing is supervised). */
  services(): readonly SupervisedService[];
  /** The host process's pid, for the Processes table. */
  readonly selfPid: number;
}

/** Alert transitions `/api/snapshot` carries. */
const RECENT_ALERTS = 200;
/** Selectors one `/api/history` request may name. */
export const MAX_SELECTORS = 64;

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  setSecurityHeaders(res);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function badRequest(res: ServerResponse, reason: string): void {
  json(res, 400, { error: 'bad request', reason });
}

/** Every `n`-th point so that at most `max` remain, always keeping the newest. */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++)
    out.push(
      points[Math.min(points.length - 1, Math.floor(points.length - 1 - (max - 1 - i) * step))],
    );
  return out;
}

/**
 * The dashboard's routes and its event hub: `GET <path>/` and its assets (public: they carry no
 * data), `GET /api/snapshot`, `GET /api/history` and `GET /events` (behind `http.token` when set).
 */
export class DashboardRoutes {
  readonly hub: EventHub;

  constructor(
    private readonly source: DashboardSource,
    private readonly config: DashboardConfig,
    private readonly assets: () => ReadonlyMap<string, Asset> | undefined,
  ) {
    this.hub = new EventHub(
      {
        stream: source.stream,
        alerts: source.alerts,
        clock: source.clock,
        logger: source.logger,
        tables: () => this.tables(),
      },
      config,
    );
  }

  /** The tables of the page as they stand now. */
  tables(): TablesView {
    const { stream, alerts, clock } = this.source;
    return buildTables({
      latest: stream.latest(),
      services: this.safeServices(),
      firing: alerts.active(),
      selfPid: this.source.selfPid,
      freshAfter: clock.now() - Math.max(15_000, 5 * this.config.intervalMs),
      now: clock.now(),
    });
  }

  /** Firing and pending alerts, and the last transitions. */
  alerts(): AlertsView {
    const { alerts } = this.source;
    return {
      firing: alerts.active(),
      pending: alerts.pending(),
      recent: alerts.recent(RECENT_ALERTS),
    };
  }

  private safeServices(): readonly SupervisedService[] {
    try {
      return this.source.services();
    } catch (error) {
      this.source.logger.warn(
        { err: error },
        `dashboard: service registry failed: ${describeError(error)}`,
      );
      return [];
    }
  }

  /** Every route, to register under `HTTP_ROUTE`. */
  routes(): HttpRoute[] {
    const base = this.config.path;
    return [
      {
        method: 'GET',
        path: base,
        public: true,
        handle: (req, res, ctx) => this.page(req, res, ctx),
      },
      {
        method: 'GET',
        path: `${base}/*`,
        public: true,
        handle: (req, res, ctx) => this.asset(req, res, ctx.params['*'] ?? ''),
      },
      { method: 'GET', path: '/api/snapshot', handle: (_req, res) => this.snapshot(res) },
      {
        method: 'GET',
        path: '/api/history',
        handle: (_req, res, ctx) => this.historyRoute(res, ctx),
      },
      { method: 'GET', path: '/events', handle: (req, res) => this.events(req, res) },
    ];
  }

  private page(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): void {
    // Relative asset URLs need the trailing slash: /dashboard → /dashboard/.
    if (!ctx.url.pathname.endsWith('/')) {
      setSecurityHeaders(res);
      res.writeHead(301, { Location: `${this.config.path}/`, 'Content-Length': 0 });
      res.end();
      return;
    }
    this.asset(req, res, 'index.html');
  }

  private asset(req: IncomingMessage, res: ServerResponse, name: string): void {
    const assets = this.assets();
    if (!assets) {
      json(res, 503, {
        error: 'dashboard not built',
        reason: 'run `npx nx build dashboard` (dist/public is missing)',
      });
      return;
    }
    const asset = assets.get(name === '' ? 'index.html' : name);
    if (!asset) {
      json(res, 404, { error: 'not found', path: `${this.config.path}/${name}` });
      return;
    }
    setSecurityHeaders(res);
    const headers = { ETag: asset.etag, 'Cache-Control': 'no-cache' };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': asset.type,
      'Content-Length': asset.body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  private snapshot(res: ServerResponse): void {
    const { descriptors, clock } = this.source;
    const units: Record<string, { unit: string; help: string; type: string }> = {};
    for (const name of CHART_SERIES) {
      const d = descriptors.get(name);
      if (d) units[name] = { unit: d.unit, help: d.help, type: d.type };
    }
    json(res, 200, {
      at: clock.now(),
      intervalMs: this.config.intervalMs,
      series: CHART_SERIES,
      descriptors: units,
      alerts: this.alerts(),
      tables: this.tables(),
    });
  }

  private historyRoute(res: ServerResponse, ctx: HttpContext): void {
    const q = ctx.url.searchParams;
    const raw = q.getAll('series');
    if (raw.length === 0) return badRequest(res, 'name at least one series: ?series=<metric name>');
    if (raw.length > MAX_SELECTORS)
      return badRequest(res, `at most ${MAX_SELECTORS} series per request (got ${raw.length})`);
    let selectors: SeriesSelector[];
    try {
      selectors = raw.map(parseSelector);
    } catch (error) {
      if (isVitalsError(error)) return badRequest(res, error.message);
      throw error;
    }
    const since = q.get('since');
    const sinceMs = since === null ? -Infinity : Number(since);
    if (since !== null && !(Number.isFinite(sinceMs) && sinceMs >= 0))
      return badRequest(
        res,
        `since must be epoch milliseconds ≥ 0 (got ${JSON.stringify(since.slice(0, 40))})`,
      );
    const pointsText = q.get('points');
    const maxPoints = pointsText === null ? this.config.maxHistoryPoints : Number(pointsText);
    if (!(
      Number.isInteger(maxPoints) &&
      maxPoints >= 1 &&
      maxPoints <= this.config.maxHistoryPoints
    ))
      return badRequest(res, `points must be a whole number 1–${this.config.maxHistoryPoints}`);

    const { history } = this.source;
    const out: { name: string; labels: Record<string, string>; points: [number, number][] }[] = [];
    let truncated = false;
    for (const sel of selectors) {
      for (const s of history.series(sel.name)) {
        if (!Object.entries(sel.labels).every(([k, v]) => s.labels[k] === v)) continue;
        if (out.some((o) => o.name === s.name && sameLabels(o.labels, s.labels))) continue;
        if (out.length >= this.config.maxHistorySeries) {
          truncated = true;
          break;
        }
        const points = history
          .points(s.name, s.labels, sinceMs)
          .map((p): [number, number] => [p.at, p.value]);
        out.push({ name: s.name, labels: { ...s.labels }, points: thin(points, maxPoints) });
      }
    }
    json(res, 200, { at: this.source.clock.now(), series: out, truncated });
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'HEAD') {
      // A HEAD cannot carry a stream: answer the headers and end, holding no client slot.
      setSecurityHeaders(res);
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (!this.hub.connect(req, res)) {
      json(
        res,
        503,
        { error: 'too many event clients', limit: this.config.maxClients },
        { 'Retry-After': '10' },
      );
    }
  }
}

function sameLabels(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
