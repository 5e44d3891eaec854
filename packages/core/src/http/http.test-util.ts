import { request as httpRequest } from 'node:http';
import type { Agent, OutgoingHttpHeaders } from 'node:http';

/** A response as the specs see it. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
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
}

/** One request over a real socket to 127.0.0.1:`port`; resolves with the whole response. */
export function send(port: number, path: string, options: SendOptions = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
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
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else {
      req.end(body);
    }
  });
}
