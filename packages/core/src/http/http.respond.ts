import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Ends `res` with a JSON body, `Content-Length` and `Cache-Control: no-store` (headers set
 * earlier with `setHeader`, such as `X-Content-Type-Options`, are kept).
 *
 * @example
 * sendJson(res, 404, { error: 'not found', path: '/nope' });
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}
