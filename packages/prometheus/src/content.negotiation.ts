import type { IncomingHttpHeaders } from 'node:http';

/** What a scrape asked for. */
export interface Negotiated {
  /** OpenMetrics 1.0.0 rather than the text format 0.0.4. */
  readonly openMetrics: boolean;
  /** gzip the body. */
  readonly gzip: boolean;
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
 * q=0.5); gzip when `gzip` (or `*`) has a q above 0 and is not refused.
 *
 * @example negotiate({ accept: 'application/openmetrics-text;version=1.0.0', 'accept-encoding': 'gzip' })
 * // { openMetrics: true, gzip: true }
 */
export function negotiate(headers: IncomingHttpHeaders): Negotiated {
  const accept = qualities(headers.accept);
  const om = accept.get('application/openmetrics-text') ?? 0;
  const text = Math.max(accept.get('text/plain') ?? 0, accept.get('*/*') ?? 0);
  const enc = qualities(headers['accept-encoding']);
  const gz = enc.get('gzip') ?? (enc.has('gzip') ? 0 : (enc.get('*') ?? 0));
  return { openMetrics: om > 0 && om >= text, gzip: gz > 0 };
}
