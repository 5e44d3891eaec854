import { Subject } from 'rxjs';
import { COLLECTOR, HTTP_ROUTE, METRIC_STREAM, SHUTDOWN_HOOK } from '../core.tokens';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { schemas, z } from '../config/schemas';
import { createMemoryLogger } from '../logging/logger';
import type { MetricBatch } from '../metrics/metric.types';
import { ManualClock } from '../util/clock';
import { createHost } from './create-host';
import type { HostHandle } from './host.types';
import type { Plugin } from './plugin.types';

const hosts: HostHandle[] = [];
function track(host: HostHandle): HostHandle {
  hosts.push(host);
  return host;
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

function plugin(name: string, over: Partial<Plugin<unknown>> = {}): Plugin<unknown> {
  return { name, register: () => undefined, ...over };
}

const batch = (value: number, at = 0): MetricBatch => ({
  source: 't',
  at,
  samples: [{ name: 'm', value }],
});

describe('createHost', () => {
  it('gives each host its own container and stream: two hosts do not see each other', async () => {
    const a = track(createHost({ plugins: [plugin('p')] }));
    const b = track(createHost({ plugins: [plugin('p')] }));
    await a.start();
    await b.start();
    const seenByB: MetricBatch[] = [];
    b.stream.batches$.subscribe((x) => seenByB.push(x));
    a.stream.publish(batch(1));
    expect(seenByB).toHaveLength(0);
    expect(b.stream.latest()).toHaveLength(0);
    expect(a.stream.latestValue('m')?.value).toBe(1);
    expect(a.resolve(METRIC_STREAM)).toBe(a.stream);
    expect(b.container.resolve(METRIC_STREAM)).toBe(b.stream);
    expect(a.container).not.toBe(b.container);
  });

  it('starts plugins in dependency order and stops them in reverse', async () => {
    const events: string[] = [];
    const p = (name: string, dependsOn: string[] = []) =>
      plugin(name, {
        dependsOn,
        start: () => void events.push(`start ${name}`),
        stop: () => void events.push(`stop ${name}`),
      });
    const host = track(createHost({ plugins: [p('c', ['b']), p('a'), p('b', ['a'])] }));
    expect(host.plugins).toEqual(['a', 'b', 'c']);
    await host.start();
    await host.stop();
    expect(events).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('rolls back started plugins when one fails to start, and names it in the error', async () => {
    const stopped: string[] = [];
    const host = track(
      createHost({
        plugins: [
          plugin('one', { stop: () => void stopped.push('one') }),
          plugin('two', { stop: () => void stopped.push('two') }),
          plugin('bad', {
            start: () => {
              throw new Error('database unreachable');
            },
            stop: () => void stopped.push('bad'),
          }),
          plugin('never', { start: () => void stopped.push('never started') }),
        ],
      }),
    );
    await expect(host.start()).rejects.toThrow(
      'plugin "bad" failed to start: database unreachable',
    );
    expect(stopped).toEqual(['two', 'one']);
    expect(host.state).toBe('failed');
  });

  it('abandons a plugin whose stop hangs at its deadline and still stops the others', async () => {
    const clock = new ManualClock(1000);
    const logger = createMemoryLogger();
    const stopped: string[] = [];
    const host = track(
      createHost({
        clock,
        logger,
        config: { stopTimeoutMs: 500 },
        plugins: [
          plugin('first', { stop: () => void stopped.push('first') }),
          plugin('hangs', { stop: () => new Promise<void>(() => undefined) }),
        ],
      }),
    );
    await host.start();
    const stopping = host.stop();
    // Let the hanging stop begin, then move virtual time past its deadline.
    for (let i = 0; i < 5 && clock.pending === 0; i++) await Promise.resolve();
    clock.advance(500);
    const report = await stopping;
    expect(stopped).toEqual(['first']);
    expect(report.failures).toEqual([
      { step: 'plugin hangs', message: 'stop abandoned after 500 ms', timedOut: true },
    ]);
    expect(logger.entries.some((e) => e.level === 'error' && e.msg.includes('hangs'))).toBe(true);
    expect(host.state).toBe('stopped');
  });

  it('makes a second stop a no-op returning the same report', async () => {
    let stops = 0;
    const host = track(createHost({ plugins: [plugin('p', { stop: () => void stops++ })] }));
    await host.start();
    const first = host.stop('one');
    const second = host.stop('two');
    expect(second).toBe(first);
    expect((await second).reason).toBe('one');
    expect(stops).toBe(1);
  });

  it('runs shutdown hooks in order before stopping plugins; a throwing hook does not stop the rest', async () => {
    const events: string[] = [];
    const host = track(
      createHost({
        plugins: [
          plugin('p', {
            register: (c) => {
              c.register(SHUTDOWN_HOOK, {
                useValue: { name: 'late', order: 2, run: () => void events.push('late') },
              });
              c.register(SHUTDOWN_HOOK, {
                useValue: {
                  name: 'throws',
                  order: 1,
                  run: () => {
                    throw new Error('flush failed');
                  },
                },
              });
              c.register(SHUTDOWN_HOOK, {
                useValue: {
                  name: 'early',
                  order: 0,
                  run: (r: string) => void events.push(`early ${r}`),
                },
              });
            },
            stop: () => void events.push('plugin stop'),
          }),
        ],
      }),
    );
    await host.start();
    const report = await host.stop('SIGTERM');
    expect(events).toEqual(['early SIGTERM', 'late', 'plugin stop']);
    expect(report.failures.map((f) => f.step)).toEqual(['hook throws']);
  });

  it('rejects a missing dependency, a duplicate and a cycle with one line each', () => {
    expect(() => createHost({ plugins: [plugin('a', { dependsOn: ['monitor'] })] })).toThrow(
      'plugin "a" depends on "monitor", which is not in this host; add monitor to the plugins',
    );
    expect(() => createHost({ plugins: [plugin('a'), plugin('a')] })).toThrow(
      'plugin "a" is listed twice',
    );
    expect(() =>
      createHost({
        plugins: [plugin('a', { dependsOn: ['b'] }), plugin('b', { dependsOn: ['a'] })],
      }),
    ).toThrow(/cycle: a -> b -> a|cycle: b -> a -> b/);
  });

  it('validates each plugin section with its schema and passes the result to register', () => {
    let seen: unknown;
    const p: Plugin<{ intervalMs: number }> = {
      name: 'monitor',
      options: { intervalMs: 2000 },
      configSchema: z.strictObject({ intervalMs: schemas.positiveInt().default(1000) }),
      register: (_c, cfg) => {
        seen = cfg;
      },
    };
    track(createHost({ plugins: [p], config: { monitor: { intervalMs: 250 } } }));
    expect(seen).toEqual({ intervalMs: 250 });
    expect(() => createHost({ plugins: [p], config: { monitor: { intervalMs: 'fast' } } })).toThrow(
      'config: monitor.intervalMs must be a positive integer (got "fast")',
    );
  });

  it('hands plugins the environment it was given, and only that', async () => {
    const seen: unknown[] = [];
    const host = track(
      createHost({
        env: { NODE_ENV: 'test' },
        plugins: [
          plugin('p', {
            register: (_c, _cfg, ctx) => void seen.push(ctx.env['NODE_ENV']),
            start: (ctx) => void seen.push(ctx.env['NODE_ENV'], ctx.env['HOME']),
          }),
        ],
      }),
    );
    await host.start();
    expect(seen).toEqual(['test', 'test', undefined]);
  });

  it('names the plugin whose register throws', () => {
    expect(() =>
      createHost({
        plugins: [
          plugin('broken', {
            register: () => {
              throw new Error('bad wiring');
            },
          }),
        ],
      }),
    ).toThrow('plugin "broken" failed to register: bad wiring');
  });

  it('isolates a throwing subscriber: publishing and other subscribers go on, the logger hears of it', async () => {
    const logger = createMemoryLogger();
    const host = track(createHost({ logger }));
    await host.start();
    const good: number[] = [];
    host.stream.batches$.subscribe(() => {
      throw new Error('subscriber bug');
    });
    host.stream.batches$.subscribe((b) => good.push(b.samples[0].value));
    host.stream.publish(batch(1));
    host.stream.publish(batch(2));
    // RxJS reports subscriber errors from a zero-delay timer; let it run.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(good).toEqual([1, 2]);
    const reported = logger.entries.filter(
      (e) => e.level === 'error' && e.msg.includes('isolated'),
    );
    expect(reported).toHaveLength(2);
    expect((reported[0].data['err'] as Error).message).toBe('subscriber bug');
  });

  it('collectOnce turns a throwing and a hanging collector into failures, not a failed snapshot', async () => {
    const clock = new ManualClock(0);
    const host = track(
      createHost({
        clock,
        plugins: [
          plugin('c', {
            register: (c) => {
              const descriptors = [
                { name: 'ok_total', help: 'h', unit: 'count', type: 'counter' as const },
              ];
              c.register(COLLECTOR, {
                useValue: {
                  name: 'good',
                  descriptors,
                  collect: () => [{ name: 'ok_total', value: 3 }],
                },
              });
              c.register(COLLECTOR, {
                useValue: {
                  name: 'throws',
                  descriptors: [],
                  collect: () => {
                    throw new Error('no /proc');
                  },
                },
              });
              c.register(COLLECTOR, {
                useValue: {
                  name: 'hangs',
                  descriptors: [],
                  timeoutMs: 100,
                  collect: () => new Promise(() => undefined),
                },
              });
            },
          }),
        ],
      }),
    );
    const pending = host.collectOnce({ publish: true });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    clock.advance(100);
    const snapshot = await pending;
    expect(snapshot.value('ok_total')).toBe(3);
    expect(snapshot.failures.map((f) => [f.collector, f.timedOut, f.message]).sort()).toEqual([
      ['hangs', true, 'timed out after 100 ms'],
      ['throws', false, 'threw: no /proc'],
    ]);
    expect(host.stream.latestValue('ok_total')?.value).toBe(3);
  });

  it('reports a descriptor conflict between two collectors naming both owners', async () => {
    const d = (type: 'gauge' | 'counter') => [{ name: 'x_bytes', help: 'x', unit: 'bytes', type }];
    const host = track(
      createHost({
        plugins: [
          plugin('p', {
            register: (c) => {
              c.register(COLLECTOR, {
                useValue: { name: 'one', descriptors: d('gauge'), collect: () => [] },
              });
              c.register(COLLECTOR, {
                useValue: { name: 'two', descriptors: d('counter'), collect: () => [] },
              });
            },
          }),
        ],
      }),
    );
    await expect(host.start()).rejects.toThrow(
      /"x_bytes" is declared by "one".*and again by "two"/,
    );
  });

  it('starts the HTTP server only when a route is registered, on loopback by default', async () => {
    const bare = track(createHost({ config: { http: { port: 0 } } }));
    await bare.start();
    expect(bare.httpAddress()).toBeUndefined();
    const served = new Subject<string>();
    const host = track(
      createHost({
        config: { http: { port: 0 } },
        plugins: [
          plugin('web', {
            register: (c) =>
              c.register(HTTP_ROUTE, {
                useValue: {
                  method: 'GET',
                  path: '/hello',
                  handle: (_req: IncomingMessage, res: ServerResponse) => {
                    served.next('hit');
                    res.end('hi');
                  },
                },
              }),
          }),
        ],
      }),
    );
    await host.start();
    const address = host.httpAddress();
    expect(address?.host).toBe('127.0.0.1');
    const response = await fetch(`http://127.0.0.1:${address?.port}/hello`);
    expect(await response.text()).toBe('hi');
    await host.stop();
    expect(host.httpAddress()).toBeUndefined();
  });

  it('tracks state through the lifecycle', async () => {
    const host = track(createHost());
    const states: string[] = [];
    host.state$.subscribe((s) => states.push(s));
    await host.start();
    await host.stop();
    expect(states).toEqual(['created', 'starting', 'running', 'stopping', 'stopped']);
    await expect(host.start()).rejects.toThrow('this host was stopped');
  });
});
