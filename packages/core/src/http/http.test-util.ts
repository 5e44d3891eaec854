import { request as httpRequest } from 'node:http';
import type { Agent, OutgoingHttpHeaders } from 'node:http';
import type { HttpConfig } from '../config/config.types';
import type { HttpContext, HttpMethod, HttpRoute } from './http.types';

/** Loopback, any free port, a 1 KiB body limit, plus `over`. */
export const testHttpConfig = (over: Partial<HttpConfig> = {}): HttpConfig => ({
  port: 0,
  host: '127.0.0.1',
  maxBodyBytes: 1024,
  ...over,
});

/** A route that answers JSON describing what it received. */
export const echoRoute = (method: HttpMethod, path: string): HttpRoute => ({
  method,
  path,
  handle(_req, res, ctx: HttpContext) {
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({
        route: path,
        params: ctx.params,
        body: ctx.body.toString(),
        search: ctx.url.search,
      }),
    );
  },
});

/** A response as the specs see it. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
  /** Whether the server sent `100 Continue` before the response. */
  continued: boolean;
}

/** Options of {@link send}. */
export interface SendOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  /** Written in one go (Content-Length set by Node) or chunk by chunk (chunked encoding). */
  body?: string | Buffer | Buffer[];
  agent?: Agent | false;
  /** Write nothing and do not end the request (to test Content-Length limits). */
  hold?: boolean;
  /** Send `Expect: 100-continue` and write the body only after the server's 100. */
  expectContinue?: boolean;
}

/** One request over a real socket to 127.0.0.1:`port`; resolves with the whole response. */
export function send(port: number, path: string, options: SendOptions = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.expectContinue
          ? { ...options.headers, Expect: '100-continue' }
          : options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text),
            continued,
          });
          if (options.hold) req.destroy();
        });
        res.on('error', reject);
      },
    );
    // An error after the response (the server closing a 413 connection) settles nothing.
    req.on('error', reject);
    if (options.hold) {
      req.flushHeaders();
      return;
    }
    const { body } = options;
    if (options.expectContinue) {
      req.flushHeaders();
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      return;
    }
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else {
      req.end(body);
    }
  });
}
