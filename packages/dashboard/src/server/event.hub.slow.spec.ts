import { get } from 'node:http';
import type { ClientRequest } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import {
  AlertEngine,
  HttpServer,
  ManualClock,
  METRICS,
  MetricStream,
  createNoopLogger,
} from '@vitals/core';
import type { Logger } from '@vitals/core';
import { EventHub } from './event.hub';

// A slow subscriber (issue 11): an /events client that stops reading must not hold the others
// back nor grow the host's memory without bound. It is dropped once more than maxBufferedBytes
// wait unsent for it, the drop is counted and logged, and a reading client keeps its ticks.

function warnings(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createNoopLogger();
  const record = (a: unknown, b?: unknown) =>
    void lines.push(typeof a === 'string' ? a : String(b));
  return { logger: { ...logger, warn: record, child: () => logger } as Logger, lines };
}

describe('EventHub with a client that does not read', () => {
  let server: HttpServer;
  let hub: EventHub;
  const sockets: Socket[] = [];
  const requests: ClientRequest[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const r of requests.splice(0)) r.destroy();
    hub.close();
    await server.stop(100);
  });

  it('drops the slow client, counts and logs it, and keeps ticking to the one that reads', async () => {
    const clock = new ManualClock(1_000_000);
    const stream = new MetricStream();
    const alerts = new AlertEngine(stream);
    const { logger, lines } = warnings();
    hub = new EventHub(
      { stream, alerts, clock, logger, tables: () => ({}) as never },
      { intervalMs: 100, heartbeatMs: 60_000, maxClients: 5, maxBufferedBytes: 256 * 1024 },
    );
    server = new HttpServer(
      { port: 0, host: '127.0.0.1', maxBodyBytes: 1024 },
      [{ method: 'GET', path: '/events', handle: (req, res) => void hub.connect(req, res) }],
      createNoopLogger(),
      { clock },
    );
    const { port } = await server.start();

    // The slow one: sends its request, then never reads a byte.
    const slow = connect(port, '127.0.0.1');
    sockets.push(slow);
    slow.on('error', () => undefined);
    slow.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    slow.pause();
    // The reader: an ordinary client counting ticks.
    let ticks = 0;
    let received = 0;
    await new Promise<void>((resolve) => {
      const req = get({ host: '127.0.0.1', port, path: '/events' }, (res) => {
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          ticks += chunk.toString().split('event: tick').length - 1;
        });
        resolve();
      });
      requests.push(req);
    });
    for (let i = 0; i < 200 && hub.clientCount < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(hub.clientCount).toBe(2);

    // ~1 MB a tick (20 000 chart samples), so kernel buffers fill within a few ticks.
    const samples = Array.from({ length: 20_000 }, (_, i) => ({
      name: METRICS.processRssBytes,
      value: i,
      labels: { pid: String(i) },
    }));
    for (let i = 0; i < 40 && hub.slowClientsDropped === 0; i++) {
      stream.publish({ source: 'test', at: clock.now(), samples });
      clock.advance(100);
      await new Promise((r) => setTimeout(r, 20)); // let the reader read
    }
    expect(hub.slowClientsDropped).toBe(1);
    expect(
      lines.some((l) => /dropping an \/events client that does not read \(1 dropped/.test(l)),
    ).toBe(true);
    expect(hub.clientCount).toBe(1);

    // The reader still gets every later tick.
    const before = ticks;
    for (let i = 0; i < 3; i++) {
      stream.publish({ source: 'test', at: clock.now(), samples: samples.slice(0, 10) });
      clock.advance(100);
    }
    for (let i = 0; i < 200 && ticks < before + 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(ticks).toBeGreaterThanOrEqual(before + 3);
    expect(received).toBeGreaterThan(1_000_000);
    // The server cut the slow socket: once it reads what was buffered, the connection ends.
    const closed = new Promise<boolean>((r) => {
      slow.once('close', () => r(true));
      setTimeout(() => r(false), 10_000).unref();
    });
    slow.resume();
    expect(await closed).toBe(true);
  }, 30_000);
});
