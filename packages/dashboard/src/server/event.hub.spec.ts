import { get } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import {
  AlertEngine,
  DescriptorRegistry,
  History,
  HttpServer,
  ManualClock,
  MetricStream,
  createNoopLogger,
} from '@vitals/core';
import { dashboardConfigSchema } from '../dashboard.options';
import type { DashboardOptions } from '../dashboard.options';
import { DashboardRoutes } from './dashboard.routes';

/** One /events client: what it received so far. */
interface Client {
  readonly req: ClientRequest;
  readonly res: IncomingMessage;
  text: string;
  waitFor(pattern: RegExp): Promise<void>;
}

function open(port: number): Promise<Client> {
  return new Promise((done, fail) => {
    const req = get({ host: '127.0.0.1', port, path: '/events' }, (res) => {
      const waiters: { pattern: RegExp; resolve: () => void }[] = [];
      const client: Client = {
        req,
        res,
        text: '',
        waitFor: (pattern) =>
          pattern.test(client.text)
            ? Promise.resolve()
            : new Promise((resolve) => waiters.push({ pattern, resolve })),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        client.text += chunk;
        for (const w of waiters.splice(0)) {
          if (w.pattern.test(client.text)) w.resolve();
          else waiters.push(w);
        }
      });
      done(client);
    });
    req.on('error', fail);
  });
}

const ticks = (c: Client) =>
  [...c.text.matchAll(/event: tick\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1]));

describe('EventHub (/events)', () => {
  let clock: ManualClock;
  let port: number;
  let stream: MetricStream;
  let alerts: AlertEngine;
  let server: HttpServer;
  let routes: DashboardRoutes;
  const clients: Client[] = [];

  async function start(options: DashboardOptions): Promise<void> {
    clock = new ManualClock(1_000_000);
    stream = new MetricStream();
    alerts = new AlertEngine(stream);
    alerts.attach(stream.batches$);
    routes = new DashboardRoutes(
      {
        stream,
        alerts,
        history: new History({ capacity: 10, maxSeries: 10 }),
        descriptors: new DescriptorRegistry(),
        clock,
        logger: createNoopLogger(),
        services: () => [],
        selfPid: process.pid,
      },
      dashboardConfigSchema.parse(options),
      () => undefined,
    );
    server = new HttpServer(
      { port: 0, host: '127.0.0.1', maxBodyBytes: 1024 },
      routes.routes(),
      createNoopLogger(),
      { clock },
    );
    port = (await server.start()).port;
  }

  /** Polls (real time) until `check` holds: the server sees a closed socket a moment later. */
  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(check()).toBe(true);
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.req.destroy();
    routes.hub.close();
    await server.stop(100);
  });

  it('serves every client from one subscription, one tick per interval, chart series only', async () => {
    await start({ intervalMs: 1000, heartbeatMs: 60_000, maxClients: 10 });
    expect(routes.hub.subscriptionCount).toBe(0); // nothing subscribed while nobody watches
    for (let i = 0; i < 3; i++) clients.push(await open(port));
    await Promise.all(clients.map((c) => c.waitFor(/: connected/)));
    expect(routes.hub.clientCount).toBe(3);
    expect(routes.hub.subscriptionCount).toBe(2); // one on the stream, one on the alert engine
    expect(clients[0].res.headers['content-type']).toContain('text/event-stream');
    expect(clients[0].res.headers['content-security-policy']).toContain("frame-ancestors 'none'");

    stream.publish({
      source: 't',
      at: clock.now(),
      samples: [
        { name: 'process_resident_memory_bytes', value: 123 },
        { name: 'not_charted_total', value: 1 },
      ],
    });
    stream.publish({
      source: 't',
      at: clock.now() + 10,
      samples: [{ name: 'nodejs_heap_size_used_bytes', value: 7 }],
    });
    clock.advance(1000);
    await Promise.all(clients.map((c) => c.waitFor(/event: tick/)));
    for (const c of clients) {
      const [tick] = ticks(c);
      expect(ticks(c)).toHaveLength(1);
      expect(tick.samples).toEqual([
        ['process_resident_memory_bytes', {}, 1_000_000, 123],
        ['nodejs_heap_size_used_bytes', {}, 1_000_010, 7],
      ]);
      expect(tick.tables.processes[0].role).toBe('host');
    }
    expect(routes.hub.ticksSent).toBe(1);

    // The last client gone, the hub lets go of the stream.
    for (const c of clients.splice(0)) c.req.destroy();
    await until(() => routes.hub.clientCount === 0);
    expect(routes.hub.subscriptionCount).toBe(0);
  });

  it('refuses clients past maxClients with 503, cleans up closed ones, and sends heartbeats', async () => {
    await start({ intervalMs: 1000, heartbeatMs: 5000, maxClients: 2 });
    clients.push(await open(port), await open(port));
    const third = await open(port);
    expect(third.res.statusCode).toBe(503);
    expect(third.res.headers['retry-after']).toBe('10');
    third.req.destroy();

    clock.advance(5000);
    await Promise.all(clients.map((c) => c.waitFor(/: heartbeat/)));

    // A closed client frees its place.
    clients.shift()!.req.destroy();
    await until(() => routes.hub.clientCount === 1);
    const again = await open(port);
    clients.push(again);
    expect(again.res.statusCode).toBe(200);
  });

  it('sends alert transitions with the next tick', async () => {
    await start({ intervalMs: 1000, heartbeatMs: 60_000, maxClients: 5 });
    alerts.addRule({ id: 'q', metric: 'q_depth', op: '>', threshold: 1 });
    clients.push(await open(port));
    await clients[0].waitFor(/: connected/);
    stream.publish({
      source: 't',
      at: clock.now(),
      samples: [{ name: 'q_depth', value: 5, labels: { queue: 'a' } }],
    });
    clock.advance(1000);
    await clients[0].waitFor(/event: tick/);
    const [tick] = ticks(clients[0]);
    expect(tick.alerts).toHaveLength(1);
    expect(tick.alerts[0]).toMatchObject({
      ruleId: 'q',
      state: 'firing',
      value: 5,
      labels: { queue: 'a' },
    });
  });
});
