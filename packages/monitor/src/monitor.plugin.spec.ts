import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COLLECTOR,
  ManualClock,
  asInjectionToken,
  METRICS,
  createHost,
  createMemoryLogger,
} from '@vitals/core';
import type { AlertEvent, Collector, HostHandle } from '@vitals/core';
import { monitorPlugin } from './monitor.plugin';
import { MONITOR } from './monitor.tokens';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('monitorPlugin', () => {
  let host: HostHandle | undefined;
  let clock: ManualClock;
  let dir: string;
  let server: Server | undefined;
  const fds: number[] = [];

  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2026, 0, 1));
    dir = mkdtempSync(join(tmpdir(), 'vitals-monitor-'));
  });

  afterEach(async () => {
    await host?.stop();
    host = undefined;
    for (const fd of fds.splice(0)) closeSync(fd);
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Advances virtual time one tick at a time, letting each tick's async work finish. */
  async function run(ms: number, step = 1000): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      await settle();
    }
  }

  it('registers collectors and the MONITOR service, and ticks from start', async () => {
    host = createHost({ plugins: [monitorPlugin({ exhaustion: { enabled: false } })], clock });
    const names = host.resolveAll<Collector>(COLLECTOR).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'system.cpu',
        'system.memory',
        'system.disk',
        'system.network',
        'process',
        'runtime',
        'app',
      ]),
    );
    await host.start();
    await settle();
    expect(host.stream.latestValue(METRICS.processRssBytes)?.value).toBeGreaterThan(0);
    expect(host.stream.latestValue(METRICS.memTotalBytes)?.value).toBeGreaterThan(0);
    expect(host.alerts.rules().map((r) => r.id)).toEqual(
      expect.arrayContaining(['memory-used', 'cpu-used', 'disk-used', 'open-fds-limit']),
    );
    expect(host.container.resolve(asInjectionToken(MONITOR))).toBeDefined();
  });

  it('fires and resolves an alert from a real collector through the engine to onAlert, a webhook and a command', async () => {
    const received: AlertEvent[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const out = join(dir, 'alerts.jsonl');
    const baseline = readdirSync('/proc/self/fd').length;
    const logger = createMemoryLogger();
    host = createHost({
      clock,
      logger,
      config: {
        thresholds: { openFds: baseline + 25 },
        monitor: {
          system: false,
          runtime: false,
          exhaustion: { enabled: false },
          alerts: {
            rules: { 'open-fds': { for: '3s' } },
            webhook: { url: `http://127.0.0.1:${port}/hook` },
            command: {
              path: process.execPath,
              args: [
                '-e',
                `require('fs').appendFileSync(${JSON.stringify(out)}, require('fs').readFileSync(0))`,
              ],
            },
          },
        },
      },
      plugins: [monitorPlugin()],
    });
    const events: AlertEvent[] = [];
    const monitor = host.container.resolve(asInjectionToken(MONITOR));
    monitor.onAlert(() => {
      throw new Error('a broken listener');
    });
    monitor.onAlert((e) => void events.push(e));
    await host.start();
    await settle();

    for (let i = 0; i < 40; i++) fds.push(openSync(join(dir, `f${i}`), 'w'));
    await run(2000);
    expect(events).toHaveLength(0); // pending: `for` is 3 s
    await run(2000);
    expect(events.map((e) => [e.ruleId, e.state])).toEqual([['open-fds', 'firing']]);
    expect(events[0].value).toBeGreaterThan(baseline + 25);

    for (const fd of fds.splice(0)) closeSync(fd);
    await run(1000);
    expect(events.map((e) => [e.ruleId, e.state])).toEqual([
      ['open-fds', 'firing'],
      ['open-fds', 'resolved'],
    ]);
    await run(1000);
    expect(
      host.stream.latestValue('vitals_alert_delivery_failures_total', { kind: 'listener' })?.value,
    ).toBe(2);
    await host.stop();
    host = undefined;
    // Webhook and command got both transitions; the broken listener was logged, not fatal.
    expect(received.map((e) => e.state)).toEqual(['firing', 'resolved']);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AlertEvent);
    expect(lines.map((e) => e.state).sort()).toEqual(['firing', 'resolved']);
    expect(logger.entries.filter((e) => e.msg === 'alert listener failed')).toHaveLength(2);
  });

  it('lets config remove and override default rules, and rejects unknown ones in one line', async () => {
    host = createHost({
      plugins: [
        monitorPlugin({
          system: false,
          process: false,
          runtime: false,
          alerts: { rules: { 'cpu-used': false, 'memory-used': { threshold: 0.5 } } },
        }),
      ],
      config: { thresholds: { diskUsedRatio: 0.7 } },
      clock,
    });
    await host.start();
    const rules = host.alerts.rules();
    expect(rules.find((r) => r.id === 'cpu-used')).toBeUndefined();
    expect(rules.find((r) => r.id === 'memory-used')).toMatchObject({
      threshold: 0.5,
      clear: 0.475,
      for: 60_000,
    });
    expect(rules.find((r) => r.id === 'disk-used')).toMatchObject({
      threshold: 0.7,
      metric: METRICS.fsUsedRatio,
    });
    await host.stop();
    expect(host.alerts.rules().find((r) => r.id === 'disk-used')).toBeUndefined();
    expect(() =>
      createHost({
        plugins: [monitorPlugin({ alerts: { rules: { 'no-such-rule': false } } })],
        clock,
      }),
    ).toThrow(/no default rule "no-such-rule"/);
  });

  it('records application timers and raises operation-slow for one slow call', async () => {
    host = createHost({
      clock,
      config: {
        thresholds: { operationMs: 100 },
        monitor: { system: false, process: false, runtime: false, exhaustion: { enabled: false } },
      },
      plugins: [monitorPlugin()],
    });
    await host.start();
    const monitor = host.container.resolve(asInjectionToken(MONITOR));
    const events: AlertEvent[] = [];
    monitor.onAlert((e) => void events.push(e));
    const end = monitor.timer('exchange.quote');
    const until = Date.now() + 150;
    while (Date.now() < until) {
      // a slow call
    }
    end();
    expect(monitor.track('fast', () => 42)).toBe(42);
    await expect(monitor.track('async', async () => 'ok')).resolves.toBe('ok');
    monitor.counter('orders_placed_total', { side: 'buy' }).inc(3);
    await run(1000);
    expect(events.map((e) => [e.ruleId, e.labels.operation])).toEqual([
      ['operation-slow', 'exchange.quote'],
    ]);
    expect(host.stream.latestValue('orders_placed_total', { side: 'buy' })?.value).toBe(3);
    expect(
      host.stream.latestValue(`${METRICS.operationDuration}_count`, { operation: 'fast' })?.value,
    ).toBe(1);
    expect(host.descriptors.get('orders_placed_total')?.type).toBe('counter');
    expect(host.descriptors.get(METRICS.collectorErrors)?.type).toBe('counter');
  });
});
