import type { IncomingMessage, ServerResponse } from 'node:http';

/** HTTP methods a route may answer. HEAD is answered by GET routes. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** What a route handler receives beside the raw request and response. */
export interface HttpContext {
  readonly url: URL;
  /**
   * Values of `:name` segments in the route path, decoded; for a prefix route (`/dashboard/*`)
   * the rest of the path, decoded, is under `'*'` (a file-serving handler must still refuse `..`).
   */
  readonly params: Readonly<Record<string, string>>;
  /** The request body (already read, within the size limit); empty for GET. */
  readonly body: Buffer;
  /**
   * True when the request carried the right token, or when the server has no token. A `public`
   * route answers everyone, and keeps its details for `authorized` requests (`/health/ready`:
   * the status for all, the findings behind the token).
   */
  readonly authorized: boolean;
}

/**
 * Multi-token contract: one route on the host's HTTP server. `path` is exact (`/metrics`), has
 * `:param` segments (`/api/series/:name`), or ends in `/*` for a prefix (`/dashboard/*`).
 */
export interface HttpRoute {
  readonly method: HttpMethod;
  readonly path: string;
  /** Routes that must stay reachable without the token (e.g. `/health/live` for a kubelet). @default false */
  readonly public?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): void | Promise<void>;
}
