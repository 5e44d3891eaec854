/**
 * Scrapes a `/metrics` URL the way Prometheus 2.x does (its Accept and Accept-Encoding headers,
 * keep-alive), one request in flight at a time, and counts the series of the last answer.
 */
import { Agent, get } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** Prometheus 2.42's scrape headers. */
const HEADERS = {
  Accept:
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'Accept-Encoding': 'gzip',
  'User-Agent': 'Prometheus/2.42.0',
};

/** Series in an exposition (text 0.0.4 or OpenMetrics): every line that is not a comment. */
export function countSeries(body: string): number {
  let n = 0;
  for (const line of body.split('\n')) if (line !== '' && !line.startsWith('#')) n++;
  return n;
}

export class Scraper {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private inFlight = false;
  /** Series in the last successful answer. */
  series = Number.NaN;
  ok = 0;
  failed = 0;
  lastError = '';

  constructor(readonly url: string) {}

  /** One scrape, unless the previous one is still running (then it counts as failed). */
  scrape(timeoutMs = 5000): Promise<void> {
    if (this.inFlight) {
      this.failed++;
      this.lastError = 'previous scrape still running';
      return Promise.resolve();
    }
    this.inFlight = true;
    return new Promise<void>((resolve) => {
      const done = (error?: string) => {
        this.inFlight = false;
        if (error) {
          this.failed++;
          this.lastError = error;
        } else this.ok++;
        resolve();
      };
      const req = get(
        this.url,
        { agent: this.agent, headers: HEADERS, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => done(e.message));
          res.on('end', () => {
            if (res.statusCode !== 200) return done(`HTTP ${res.statusCode}`);
            try {
              const raw = Buffer.concat(chunks);
              const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
              this.series = countSeries(body.toString('utf8'));
              done();
            } catch (e) {
              done((e as Error).message);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (e) => done(e.message));
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
