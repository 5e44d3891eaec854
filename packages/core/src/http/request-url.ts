import type { IncomingMessage } from 'node:http';

/**
 * The request's URL as a `URL` object, or undefined when the request target cannot be parsed
 * (the caller answers 400). Origin-form targets (`/path?q`) are appended to a fixed origin so
 * `//evil/x` stays a path; the `Host` header is applied afterwards through the `host` setter, so a
 * header such as `a/b` cannot change the path that is routed. Absolute-form targets (sent by
 * proxies) are parsed as they are.
 *
 * @example
 * parseRequestUrl(req)?.pathname; // '/api/series/heap'
 */
export function parseRequestUrl(req: IncomingMessage): URL | undefined {
  const target = req.url ?? '/';
  try {
    if (!target.startsWith('/')) return new URL(target); // absolute-form, as proxies send
    const url = new URL(`http://localhost${target}`);
    if (req.headers.host) url.host = req.headers.host;
    return url;
  } catch {
    return undefined;
  }
}
