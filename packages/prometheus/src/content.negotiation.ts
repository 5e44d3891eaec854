import { isLoopbackHost } from '@vitals/core';
import type { IncomingHttpHeaders } from 'node:http';

/** What a scrape asked for. */
export interface Negotiated {
  /** OpenMetrics 1.0.0 rather than the text format 0.0.4. */
  readonly openMetrics: boolean;
  /** gzip is acceptable. */
  readonly gzip: boolean;
  /** An uncompressed body is acceptable (`identity` not refused with q=0, nor by `*;q=0`). */
  readonly identity: boolean;
}

/** `type/subtype;params;q=0.5` list → media range → highest q (RFC 9110 §12.5.1). */
function qualities(header: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [range, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (!range) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) q = Math.min(1, Math.max(0, Number(m[1]) || 0));
    }
    out.set(range, Math.max(out.get(range) ?? 0, q));
  }
  return out;
}

/**
 * Reads `Accept` and `Accept-Encoding`: OpenMetrics when `application/openmetrics-text` has a
 * q above 0 and at least text/plain's (Prometheus 2.x sends it with q=1 and text/plain with
 * q=0.5); gzip when `gzip` (or `*`) has a q above 0 and is not refused; identity unless
 * `identity;q=0`, or `*;q=0` without `identity` (RFC 9110 §12.5.3).
 *
 * @example negotiate({ accept: 'application/openmetrics-text;version=1.0.0', 'accept-encoding': 'gzip' })
 * // { openMetrics: true, gzip: true, identity: true }
 */
export function negotiate(headers: IncomingHttpHeaders): Negotiated {
  const accept = qualities(headers.accept);
  const om = accept.get('application/openmetrics-text') ?? 0;
  const text = Math.max(accept.get('text/plain') ?? 0, accept.get('*/*') ?? 0);
  const enc = qualities(headers['accept-encoding']);
  const gz = enc.get('gzip') ?? (enc.has('gzip') ? 0 : (enc.get('*') ?? 0));
  const identity = enc.get('identity') ?? (enc.has('identity') ? 0 : (enc.get('*') ?? 1));
  return { openMetrics: om > 0 && om >= text, gzip: gz > 0, identity: identity > 0 };
}

/**
 * How the metrics route compresses: `auto` gzips when the scraper asks, except for one on this
 * machine (its address is loopback: 127.0.0.0/8, `::1`), where compressing costs both sides CPU
 * (~0.5 ms a scrape of 31 KB on a small VM, with cold caches once a second) and saves nothing but
 * loopback bytes; `gzip` whenever asked; `off` never — unless the scraper refuses an uncompressed
 * body, which then always gets gzip.
 */
export type Compression = 'auto' | 'gzip' | 'off';

/**
 * Whether to gzip this answer: see {@link Compression}. `remoteAddress` is the peer's address as
 * the socket reports it (`req.socket.remoteAddress`, undefined once the socket is gone).
 * @example compressFor('auto', negotiate(req.headers), req.socket.remoteAddress)
 */
export function compressFor(
  mode: Compression,
  negotiated: Negotiated,
  remoteAddress: string | undefined,
): boolean {
  if (!negotiated.gzip) return false;
  if (!negotiated.identity || mode === 'gzip') return true;
  if (mode === 'off') return false;
  return remoteAddress === undefined || !isLoopbackHost(remoteAddress);
}
