import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type {
  AlertEngine,
  AlertEvent,
  Cancel,
  Clock,
  Labels,
  Logger,
  MetricStream,
} from '@vitals/core';
import { describeError } from '@vitals/core';
import { setSecurityHeaders } from './security.headers';
import { isChartSeries } from './dashboard.series';
import type { TablesView } from './view.model';

/** One sample as a tick message carries it: `[name, labels, at, value]`. */
export type TickSample = readonly [string, Labels, number, number];

/** The `tick` event of `/events`, one per interval while clients are connected. */
export interface TickMessage {
  /** When the message was built, epoch ms. */
  readonly at: number;
  /** Chart series published since the previous tick (see `CHART_SERIES`). */
  readonly samples: readonly TickSample[];
  /** Alert transitions since the previous tick, oldest first. */
  readonly alerts: readonly AlertEvent[];
  /** Samples left out because more than `maxSamplesPerTick` arrived in one interval. */
  readonly dropped: number;
  readonly tables: TablesView;
}

/** What the hub reads. */
export interface EventHubSource {
  readonly stream: MetricStream;
  readonly alerts: AlertEngine;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The tables as they stand now (built once per tick, shared by every client). */
  tables(): TablesView;
}

/** Limits of the hub. */
export interface EventHubOptions {
  /** One tick message per this many ms. */
  readonly intervalMs: number;
  /** A comment line this often, so idle proxies keep the connection. */
  readonly heartbeatMs: number;
  /** Clients at once; `connect` refuses more. */
  readonly maxClients: number;
  /** A client with more than this unsent is too slow and is dropped. @default 1048576 */
  readonly maxBufferedBytes?: number;
  /** Samples one tick carries at most. @default 20000 */
  readonly maxSamplesPerTick?: number;
}

/**
 * Server-sent events for every open page, from ONE subscription to the stream and one to the alert
 * engine, made when the first client connects and dropped when the last leaves. Samples of the
 * charted series and alert transitions are buffered and sent as one `tick` message per
 * `intervalMs` (serialized once, written to each client); nothing is collected again. Closed
 * clients are removed at once, slow ones (more than `maxBufferedBytes` unsent) are dropped, and a
 * `: heartbeat` comment goes out every `heartbeatMs`.
 *
 * @example
 * const hub = new EventHub(source, { intervalMs: 1000, heartbeatMs: 15000, maxClients: 50 });
 * if (!hub.connect(req, res)) sendJson(res, 503, { error: 'too many clients' });
 */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private subscriptions: Subscription[] = [];
  private samples: TickSample[] = [];
  private transitions: AlertEvent[] = [];
  private dropped = 0;
  private cancelTick: Cancel | undefined;
  private cancelHeartbeat: Cancel | undefined;
  private closed = false;
  private sent = 0;
  private slowDropped = 0;
  private readonly maxBuffered: number;
  private readonly maxSamples: number;

  constructor(
    private readonly source: EventHubSource,
    private readonly options: EventHubOptions,
  ) {
    this.maxBuffered = options.maxBufferedBytes ?? 1 << 20;
    this.maxSamples = options.maxSamplesPerTick ?? 20_000;
  }

  /** Clients connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Subscriptions held on the stream and the alert engine (2 while any client is connected, else 0). */
  get subscriptionCount(): number {
    return this.subscriptions.length;
  }

  /** Clients dropped because they did not read (more than `maxBufferedBytes` unsent). */
  get slowClientsDropped(): number {
    return this.slowDropped;
  }

  /** Tick messages sent since construction. */
  get ticksSent(): number {
    return this.sent;
  }

  /**
   * Starts an event stream on `res`. Returns false (and writes nothing) when `maxClients` are
   * already connected or the hub was closed; the caller answers 503.
   */
  connect(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.closed || this.clients.size >= this.options.maxClients) return false;
    setSecurityHeaders(res);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    // `retry`: what a plain EventSource waits before reconnecting; the page has its own backoff.
    res.write('retry: 2000\n: connected\n\n');
    this.clients.add(res);
    const drop = () => this.remove(res);
    res.once('close', drop);
    res.once('error', drop);
    if (this.clients.size === 1) this.begin();
    return true;
  }

  /** Ends every client and drops the subscriptions; later connects are refused. Idempotent. */
  close(): void {
    this.closed = true;
    for (const res of [...this.clients]) {
      this.clients.delete(res);
      res.end();
    }
    this.end();
  }

  private begin(): void {
    const { stream, alerts, logger } = this.source;
    this.subscriptions = [
      stream.batches$.subscribe((batch) => {
        for (const s of batch.samples) {
          if (!isChartSeries(s.name)) continue;
          if (this.samples.length >= this.maxSamples) {
            this.dropped++;
            continue;
          }
          this.samples.push([s.name, s.labels ?? {}, batch.at, s.value]);
        }
      }),
      alerts.alerts$.subscribe((event) => {
        this.transitions.push(event);
        if (this.transitions.length > 500) this.transitions.shift();
      }),
    ];
    logger.debug('dashboard: first client, subscribed to the stream');
    this.scheduleTick();
    this.scheduleHeartbeat();
  }

  private end(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    this.cancelTick?.();
    this.cancelHeartbeat?.();
    this.cancelTick = this.cancelHeartbeat = undefined;
    this.samples = [];
    this.transitions = [];
    this.dropped = 0;
  }

  private remove(res: ServerResponse): void {
    if (!this.clients.delete(res)) return;
    if (this.clients.size === 0) {
      this.end();
      this.source.logger.debug('dashboard: last client gone, unsubscribed from the stream');
    }
  }

  private scheduleTick(): void {
    this.cancelTick = this.source.clock.setTimeout(() => {
      if (this.clients.size === 0) return;
      try {
        this.tick();
      } catch (error) {
        this.source.logger.error({ err: error }, `dashboard tick failed: ${describeError(error)}`);
      }
      this.scheduleTick();
    }, this.options.intervalMs);
  }

  private scheduleHeartbeat(): void {
    this.cancelHeartbeat = this.source.clock.setTimeout(() => {
      if (this.clients.size === 0) return;
      this.broadcast(': heartbeat\n\n');
      this.scheduleHeartbeat();
    }, this.options.heartbeatMs);
  }

  private tick(): void {
    const message: TickMessage = {
      at: this.source.clock.now(),
      samples: this.samples,
      alerts: this.transitions,
      dropped: this.dropped,
      tables: this.source.tables(),
    };
    this.samples = [];
    this.transitions = [];
    this.dropped = 0;
    this.broadcast(`event: tick\ndata: ${JSON.stringify(message)}\n\n`);
    this.sent++;
  }

  private broadcast(text: string): void {
    for (const res of [...this.clients]) {
      if (res.writableLength > this.maxBuffered) {
        this.slowDropped++;
        this.source.logger.warn(
          { unsentBytes: res.writableLength, dropped: this.slowDropped },
          `dashboard: dropping an /events client that does not read (${this.slowDropped} dropped so far)`,
        );
        res.destroy();
        this.remove(res);
        continue;
      }
      res.write(text);
    }
  }
}
