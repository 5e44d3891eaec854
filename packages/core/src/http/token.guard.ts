import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Checks the access token of a request: `Authorization: Bearer <token>` or `?token=<token>`.
 * Both sides are hashed with SHA-256 and compared with `crypto.timingSafeEqual`, so neither the
 * content nor the length of the token leaks through response timing.
 *
 * @example
 * const guard = new TokenGuard('s3cret');
 * guard.allows(req, new URL(req.url!, 'http://localhost')); // true or false
 */
export class TokenGuard {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** True when the request carries the token in the header or in the query string. */
  allows(req: IncomingMessage, url: URL): boolean {
    const header = BEARER.exec(req.headers.authorization ?? '')?.[1];
    const query = url.searchParams.get('token');
    let ok = false;
    // Both candidates are always compared, so which one was sent does not change the timing much.
    for (const candidate of [header, query]) {
      if (candidate != null && timingSafeEqual(digest(candidate), this.expected)) ok = true;
    }
    return ok;
  }
}
