import type { IncomingMessage } from 'node:http';

/** Outcome of {@link readBody}: the body, or `tooLarge` once more than the limit arrived. */
export type BodyResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false };

const EMPTY = Buffer.alloc(0);

/** True when the request announces a body larger than `limit` in `Content-Length`. */
export function declaresTooLarge(req: IncomingMessage, limit: number): boolean {
  const declared = req.headers['content-length'];
  return declared !== undefined && Number(declared) > limit;
}

/** True when the request carries a body at all (RFC 9112 §6.3: Content-Length or Transfer-Encoding). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads the request body into one Buffer, up to `limit` bytes. Over the limit (announced by
 * `Content-Length` or found while streaming a chunked body) it stops reading at once and resolves
 * `{ ok: false }`; the caller answers 413 and closes the connection. Rejects when the client
 * aborts.
 *
 * @example
 * const r = await readBody(req, 1024 * 1024);
 * if (!r.ok) return sendJson(res, 413, { error: 'payload too large' });
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  if (declaresTooLarge(req, limit)) return Promise.resolve({ ok: false });
  if (!hasBody(req)) return Promise.resolve({ ok: true, body: EMPTY });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        chunks.length = 0;
        resolve({ ok: false });
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ ok: true, body: Buffer.concat(chunks, size) });
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      if (req.complete) return;
      cleanup();
      reject(new Error('client closed the request before its body was complete'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
