import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpConfig } from '../config/config.types';
import { VitalsError, describeError } from '../errors';
import { createNoopLogger } from '../logging/logger';
import type { Logger } from '../logging/logger';
import { systemClock } from '../util/clock';
import type { Clock } from '../util/clock';
import { declaresTooLarge, hasBody, readBody } from './body.reader';
import { listenError } from './http.errors';
import { sendJson } from './http.respond';
import { parseRequestUrl } from './request-url';
import type { HttpContext, HttpRoute } from './http.types';
import { isLoopbackHost } from './loopback-host';
import { RouteMatcher } from './route.matcher';
import { TokenGuard } from './token.guard';

export { isLoopbackHost } from './loopback-host';

/**
 * The `Host` header of a request to a server without a token: a loopback name (`127.0.0.1`,
 * `[::1]`, `localhost`, any port), or none at all (HTTP/1.0; Node refuses HTTP/1.1 without one).
 */
function allowedHost(header: string | undefined): boolean {
  if (header === undefined) return true;
  const name = /^(\[[^\]]*\]|[^:]*)(:\d{1,5})?$/.exec(header.trim())?.[1];
  return name !== undefined && name !== '' && isLoopbackHost(name);
}

/** Extra knobs of {@link HttpServer}, mostly for tests; the host passes its clock. */
export interface HttpServerOptions {
  /** Drives the handler time-out and the stop deadline. @default systemClock */
  readonly clock?: Clock;
  /**
   * A handler that has not started its response after this long gets a 503 and the connection
   * is closed. Handlers that already sent headers (e.g. server-sent events) are left alone.
   * @default 30000
   */
  readonly handlerTimeoutMs?: number;
  /** A client that has not sent all its headers after this long gets 408 (slowloris). @default 10000 */
  readonly headersTimeoutMs?: number;
  /** A client that has not sent its whole request after this long gets 408. @default 30000 */
  readonly requestTimeoutMs?: number;
}

/**
 * Node's own request deadlines: whole request (headers and body), and headers alone, so a slow
 * client (slowloris) is cut off; headers larger than 16 KiB get Node's 431.
 */
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;
const MAX_HEADER_BYTES = 16 * 1024;
/** Default of `http.maxConnections`: far below a default fd limit of 1024. */
export const DEFAULT_MAX_CONNECTIONS = 256;
/** Accept errors (EMFILE under a connection flood) are logged at most once per this long. */
const ACCEPT_ERROR_LOG_MS = 60_000;

type Address = { host: string; port: number };

/**
 * The base URL of a listening address, an IPv6 host in brackets and its zone's `%` encoded
 * (RFC 3986 §3.2.2, RFC 6874).
 * @example httpUrl({ host: '::', port: 9477 }) // 'http://[::]:9477'
 * @example httpUrl({ host: 'fe80::1%eth0', port: 80 }) // 'http://[fe80::1%25eth0]:80'
 */
export function httpUrl(address: { host: string; port: number }): string {
  const { host: h } = address;
  const host = h.includes(':') ? `[${h.replace('%', '%25')}]` : h;
  return `http://${host}:${address.port}`;
}

/**
 * Headers on every answer, set before any route runs (a route may replace them, as the
 * dashboard's page sets its own CSP): nothing here is meant to be rendered, sniffed or framed.
 */
const BASELINE_HEADERS: readonly (readonly [string, string])[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
];

let dateSecond = -1;
let dateText = '';
/** An IMF-fixdate (RFC 9110 §5.6.7) for `ms`, the string kept while the second is the same. */
function httpDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * The host's one HTTP server (`node:http`) for every plugin's {@link HttpRoute}s. Listens on
 * `config.host:config.port` (127.0.0.1:9477 by default; port 0 picks a free one). Off loopback it
 * refuses to start without `config.token`; with a token, every non-`public` route needs
 * `Authorization: Bearer <token>` or `?token=<token>` (401 otherwise). Answers 404 / 405 (with
 * `Allow`) / 413 / 500 as JSON, HEAD through GET routes, and adds `X-Content-Type-Options: nosniff`,
 * `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`, `X-Frame-Options: DENY` and
 * `Referrer-Policy: no-referrer` to every answer (a route may replace them).
 * A throwing handler gets a 500 and is logged; the server keeps serving.
 *
 * @example
 * const server = new HttpServer({ port: 0, host: '127.0.0.1', maxBodyBytes: 1 << 20 }, routes, logger);
 * const { port } = await server.start();
 * // ...
 * await server.stop();
 */
export class HttpServer {
  private readonly matcher: RouteMatcher;
  private readonly guard: TokenGuard | undefined;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly handlerTimeoutMs: number;
  private readonly headersTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private server: Server | undefined;
  private starting: Promise<Address> | undefined;
  private stopping: Promise<void> | undefined;
  private failures = 0;
  private lastAcceptErrorLog = -Infinity;
  /** Connections refused: over `maxConnections`, or accept failed (EMFILE). */
  droppedConnections = 0;

  constructor(
    private readonly config: HttpConfig,
    routes: readonly HttpRoute[],
    logger: Logger = createNoopLogger(),
    options: HttpServerOptions = {},
  ) {
    const { port, maxBodyBytes } = config;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        `http.port must be an integer 0–65535, got ${String(port)}`,
      );
    }
    if (!Number.isFinite(maxBodyBytes) || maxBodyBytes < 0) {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        `http.maxBodyBytes must be a number ≥ 0, got ${String(maxBodyBytes)}`,
      );
    }
    this.matcher = new RouteMatcher(routes);
    this.guard = config.token ? new TokenGuard(config.token) : undefined;
    this.logger = logger;
    this.clock = options.clock ?? systemClock;
    this.handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
    this.headersTimeoutMs = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
    this.requestTimeoutMs = Math.max(
      options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      this.headersTimeoutMs,
    );
  }

  /** Handler failures (throws, rejections, time-outs) since construction. */
  get errorCount(): number {
    return this.failures;
  }

  /**
   * Starts listening and resolves with the bound address. Rejects with `ERR_HTTP_TOKEN_REQUIRED`
   * (off loopback without a token), `ERR_HTTP_PORT_IN_USE` or `ERR_HTTP_LISTEN`. Calling it again
   * while started returns the same address.
   */
  start(): Promise<Address> {
    if (this.stopping) {
      return Promise.reject(
        new VitalsError('ERR_LIFECYCLE_STATE', 'this HTTP server was stopped; create a new one'),
      );
    }
    this.starting ??= this.listen().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** The bound address while listening, else undefined. */
  address(): Address | undefined {
    const info = this.server?.address() as AddressInfo | null | undefined;
    return info ? { host: info.address, port: info.port } : undefined;
  }

  /**
   * Stops accepting connections, closes idle keep-alive connections at once, lets requests in
   * flight finish, and closes whatever is left after `timeoutMs`. Idempotent.
   */
  stop(timeoutMs = 5000): Promise<void> {
    // Closing starts synchronously when listening, so the deadline timer exists on return.
    this.stopping ??=
      this.starting && !this.server
        ? this.starting.then(
            () => this.close(timeoutMs),
            () => undefined,
          )
        : this.close(timeoutMs);
    return this.stopping;
  }

  private listen(): Promise<Address> {
    const { host, port } = this.config;
    if (!this.guard && !isLoopbackHost(host)) {
      return Promise.reject(
        new VitalsError(
          'ERR_HTTP_TOKEN_REQUIRED',
          `http.host ${host} is reachable from other machines; set http.token or bind to 127.0.0.1`,
        ),
      );
    }
    const server = createServer(
      {
        requestTimeout: this.requestTimeoutMs,
        headersTimeout: this.headersTimeoutMs,
        maxHeaderSize: MAX_HEADER_BYTES,
        // Node checks those deadlines every 30 s by default: a slow client would hold its fd
        // that much longer. Every 5 s (or the headers deadline, if shorter) cuts it within 15 s
        // at the defaults; every second cut it within 11 s, but the check's timer wakes every
        // host even with no connection open — half of a `vitals run` supervisor's wake-ups.
        connectionsCheckingInterval: Math.min(5000, this.headersTimeoutMs),
      },
      (req, res) => this.dispatch(req, res, false),
    );
    // A flood of connections must not use up the process's fds (every collector and timer
    // needs some): connections past the cap are closed at once by Node ('drop' event).
    server.maxConnections = this.config.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    server.on('drop', () => {
      this.droppedConnections++;
      this.logAcceptTrouble('connection refused: http.maxConnections reached');
    });
    // With a listener Node no longer answers `Expect: 100-continue` itself: we send 100 only to
    // requests that pass routing, the token and the size limit (RFC 9110 §10.1.1).
    server.on('checkContinue', (req, res) => this.dispatch(req, res, true));
    return new Promise<Address>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void =>
        reject(listenError(error, host, port));
      server.once('error', onError);
      server.listen({ host, port }, () => {
        server.off('error', onError);
        // Errors after listening (EMFILE/ENFILE on accept under a flood) are logged, rate-limited;
        // the server keeps listening and libuv retries the accept.
        server.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'EMFILE' || error.code === 'ENFILE') {
            this.droppedConnections++;
            this.logAcceptTrouble(`accept failed: ${error.code} (out of file descriptors)`);
          } else this.logger.error({ err: error }, 'http server error');
        });
        server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
          // Bad requests (431 huge headers, 400 garbage, 408 slow client): Node's answer, no crash.
          if (socket.writable && !socket.writableEnded) {
            const status =
              error.code === 'HPE_HEADER_OVERFLOW'
                ? '431 Request Header Fields Too Large'
                : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
                  ? '408 Request Timeout'
                  : '400 Bad Request';
            socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
          } else socket.destroy();
        });
        this.server = server;
        const address = this.address() as Address;
        this.logger.debug(address, `http server listening on ${address.host}:${address.port}`);
        resolve(address);
      });
    });
  }

  private logAcceptTrouble(message: string): void {
    const now = this.clock.now();
    if (now - this.lastAcceptErrorLog < ACCEPT_ERROR_LOG_MS) return;
    this.lastAcceptErrorLog = now;
    this.logger.warn(
      { dropped: this.droppedConnections },
      `http ${message}; ${this.droppedConnections} connection(s) dropped so far`,
    );
  }

  private close(timeoutMs: number): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const cancel = this.clock.setTimeout(() => server.closeAllConnections(), timeoutMs);
      server.close(() => {
        cancel();
        this.logger.debug('http server stopped');
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    // A write after we answered for a handler (time-out) must not become an uncaught 'error'.
    res.on('error', (error) => this.logger.debug({ err: error }, 'http response error'));
    // A keep-alive connection whose request was in flight when stop() began becomes idle here.
    res.once('close', () => {
      if (this.stopping) this.server?.closeIdleConnections();
    });
    this.handle(req, res, expectContinue).catch(
      (error: unknown) => this.fail(res, error, req.method, req.url?.split('?')[0]), // never log a ?token=
    );
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    expectContinue: boolean,
  ): Promise<void> {
    for (let i = 0; i < BASELINE_HEADERS.length; i++)
      res.setHeader(BASELINE_HEADERS[i][0], BASELINE_HEADERS[i][1]);
    // Our own Date: Node's caches the string for the rest of the second and arms a timer to drop
    // it, one more wake-up of the host per scrape.
    res.sendDate = false;
    res.setHeader('Date', httpDate(Date.now()));
    if (this.stopping) res.setHeader('Connection', 'close');
    // An early answer leaves the body unread: close instead of draining it for keep-alive.
    const early = (status: number, body: unknown, headers: Record<string, string> = {}): void =>
      sendJson(res, status, body, hasBody(req) ? { ...headers, Connection: 'close' } : headers);

    // Without a token the server is open to whoever reaches it, which must be this machine only:
    // a web page whose DNS name was rebound to 127.0.0.1 sends its own Host, and is refused.
    if (!this.guard && !allowedHost(req.headers.host)) {
      return early(421, {
        error: 'misdirected request',
        reason:
          'this server answers only Host 127.0.0.1, [::1] or localhost; set http.token to serve other names',
      });
    }
    const url = parseRequestUrl(req);
    if (!url) return early(400, { error: 'bad request', reason: 'invalid request target' });
    const match = this.matcher.match(req.method ?? 'GET', url.pathname);
    if (match.kind === 'malformed')
      return early(400, { error: 'bad request', reason: 'malformed percent-encoding in path' });

    const isPublic = match.kind === 'found' && match.route.public === true;
    const authorized = !this.guard || this.guard.allows(req, url);
    if (!isPublic) {
      if (!authorized) {
        return early(
          401,
          { error: 'unauthorized', reason: 'send Authorization: Bearer <token> or ?token=' },
          {
            'WWW-Authenticate': 'Bearer realm="vitals"',
          },
        );
      }
    }
    // The token must not reach handlers that echo or log their URL.
    if (this.guard) url.searchParams.delete('token');
    if (match.kind === 'not-found') return early(404, { error: 'not found', path: url.pathname });
    if (match.kind === 'method-not-allowed') {
      return early(
        405,
        { error: 'method not allowed', method: req.method, allow: match.allow },
        {
          Allow: match.allow.join(', '),
        },
      );
    }

    const limit = this.config.maxBodyBytes;
    if (expectContinue && !declaresTooLarge(req, limit)) res.writeContinue();
    const read = await readBody(req, limit).catch(() => undefined);
    if (!read) return void res.destroy(); // the client went away mid-body
    if (!read.ok) {
      return sendJson(res, 413, { error: 'payload too large', limit }, { Connection: 'close' });
    }
    await this.invoke(match.route, req, res, {
      url,
      params: match.params,
      body: read.body,
      authorized,
    });
  }

  private async invoke(
    route: HttpRoute,
    req: IncomingMessage,
    res: ServerResponse,
    ctx: HttpContext,
  ): Promise<void> {
    let cancel: (() => void) | undefined;
    try {
      const pending = route.handle(req, res, ctx);
      if (!res.writableEnded) {
        cancel = this.clock.setTimeout(() => this.timedOut(route, res), this.handlerTimeoutMs);
        res.once('close', cancel);
      }
      await pending;
    } catch (error) {
      cancel?.();
      this.fail(res, error, route.method, route.path);
    }
  }

  private timedOut(route: HttpRoute, res: ServerResponse): void {
    if (res.headersSent) return; // streaming responses (SSE) own their connection
    this.failures++;
    this.logger.warn(
      { method: route.method, route: route.path, timeoutMs: this.handlerTimeoutMs },
      `http handler ${route.method} ${route.path} did not respond within ${this.handlerTimeoutMs} ms`,
    );
    sendJson(res, 503, { error: 'handler timed out' }, { Connection: 'close' });
  }

  private fail(
    res: ServerResponse,
    error: unknown,
    method: string | undefined,
    route: string | undefined,
  ): void {
    this.failures++;
    this.logger.error(
      { err: error, method, route },
      `http handler ${method} ${route} failed: ${describeError(error)}`,
    );
    if (res.headersSent) {
      res.destroy(); // the status is gone; a cut connection tells the client something broke
    } else {
      sendJson(res, 500, { error: 'internal server error' });
    }
  }
}
