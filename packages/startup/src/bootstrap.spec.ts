import { EventEmitter } from 'node:events';
import {
  DIAGNOSTICS,
  INSTANCE_LOCK,
  MEMORY_CLEANUP,
  ManualClock,
  SHUTDOWN_HOOK,
  VitalsError,
  asInjectionToken,
  createMemoryLogger,
} from '@vitals/core';
import type { DiagnosticsService, Finding, MemoryLogger, Plugin, ShutdownHook } from '@vitals/core';
import { bootstrap } from './bootstrap';
import type { Bootstrapped } from './bootstrap';
import { READINESS } from './startup.tokens';

class FakeProcess extends EventEmitter {
  readonly pid = 4242;
  readonly exit = jest.fn();
}

/** A plugin that registers values under tokens, standing in for memory/process/diagnostics. */
function fakePlugin(name: string, values: [symbol, unknown][]): Plugin {
  return {
    name,
    register(container) {
      for (const [token, value] of values)
        container.register(asInjectionToken(token), { useValue: value });
    },
  };
}

const http = { http: { port: 0 } };
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('bootstrap', () => {
  let proc: FakeProcess;
  let logger: MemoryLogger;
  let app: Bootstrapped | undefined;

  beforeEach(() => {
    proc = new FakeProcess();
    logger = createMemoryLogger();
  });

  afterEach(async () => {
    await app?.host?.stop('test end');
    app = undefined;
  });

  it('is ready only after main finished, and not-ready as soon as shutdown begins', async () => {
    const gate = deferred();
    let during: number | undefined;
    const started = bootstrap(
      async ({ host }) => {
        const { port } = host.httpAddress()!;
        during = (await fetch(`http://127.0.0.1:${port}/health/ready`)).status;
        await gate.promise;
      },
      { config: http, process: proc, logger },
    );
    gate.resolve();
    app = await started;
    const { port } = app.host!.httpAddress()!;
    expect(during).toBe(503);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      hostState: 'running',
      pending: [],
    });
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);

    proc.emit('SIGTERM');
    const readiness = app.host!.container.resolve(asInjectionToken(READINESS));
    expect(readiness.report().status).toBe('stopping');
    expect(await app.exited).toBe(0);
    expect(proc.exit).toHaveBeenCalledWith(0);
    expect(proc.listenerCount('SIGTERM') + proc.listenerCount('uncaughtException')).toBe(0);
  });

  it('abandons a hanging shutdown hook at the deadline, names it, runs cleanup and still exits', async () => {
    const clock = new ManualClock(0);
    const order: string[] = [];
    const hookStarted = deferred();
    const hang: ShutdownHook = {
      name: 'flush-orders',
      run: () => {
        order.push('hook');
        hookStarted.resolve();
        return new Promise(() => undefined);
      },
    };
    const cleanup = { emergencyCleanup: jest.fn(async () => (order.push('cleanup'), [])) };
    app = await bootstrap(() => undefined, {
      config: { ...http, stopTimeoutMs: 1000 },
      process: proc,
      logger,
      clock,
      plugins: [
        fakePlugin('fakes', [
          [SHUTDOWN_HOOK, hang],
          [MEMORY_CLEANUP, cleanup],
        ]),
      ],
    });
    proc.emit('SIGTERM');
    await hookStarted.promise;
    expect(proc.exit).not.toHaveBeenCalled();
    clock.advance(1000);
    expect(await app.exited).toBe(1);
    expect(order).toEqual(['hook', 'cleanup']);
    const named = logger.entries.filter(
      (e) => e.level === 'error' && e.msg.includes('flush-orders'),
    );
    expect(named.length).toBeGreaterThan(0);
  });

  it('exits at once on a second signal during shutdown', async () => {
    const hookStarted = deferred();
    const hang: ShutdownHook = {
      name: 'slow',
      run: () => {
        hookStarted.resolve();
        return new Promise(() => undefined);
      },
    };
    const clock = new ManualClock(0);
    app = await bootstrap(() => undefined, {
      config: { ...http, stopTimeoutMs: 60_000 },
      process: proc,
      logger,
      clock,
      plugins: [fakePlugin('fakes', [[SHUTDOWN_HOOK, hang]])],
    });
    proc.emit('SIGTERM');
    proc.emit('SIGINT');
    expect(await app.exited).toBe(130);
    expect(proc.exit).toHaveBeenCalledTimes(1);
    // Let the abandoned shutdown finish so the host closes its server.
    await hookStarted.promise;
    clock.advance(60_000);
    await app.shutdown();
    expect(proc.exit).toHaveBeenCalledTimes(1);
  });

  it('refuses to start on a critical pre-start finding, and starts with force', async () => {
    const finding: Finding = { check: 'disk', severity: 'critical', message: 'disk 99 % full' };
    const diagnostics: DiagnosticsService = {
      run: async () => ({ at: 0, severity: 'critical', findings: [finding], durationMs: 1 }),
    };
    const main = jest.fn();
    const plugins = [fakePlugin('diagnostics', [[DIAGNOSTICS, diagnostics]])];
    app = await bootstrap(main, { config: http, process: proc, logger, plugins });
    expect(await app.exited).toBe(78);
    expect(main).not.toHaveBeenCalled();
    expect(
      logger.entries.some((e) => e.level === 'fatal' && e.msg.includes('disk 99 % full')),
    ).toBe(true);

    const proc2 = new FakeProcess();
    app = await bootstrap(main, { config: http, process: proc2, logger, plugins, force: true });
    expect(main).toHaveBeenCalledTimes(1);
    const res = await fetch(`http://127.0.0.1:${app.host!.httpAddress()!.port}/health/ready`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: unknown }).checks).toEqual([finding]);
    expect(proc2.exit).not.toHaveBeenCalled();
  });

  it('refuses a second instance with the lock holder named, before main runs', async () => {
    const lock = {
      acquire: () => {
        throw new VitalsError('ERR_INSTANCE_LOCKED', '"api" is already running as pid 777');
      },
    };
    const main = jest.fn();
    app = await bootstrap(main, {
      name: 'api',
      config: http,
      process: proc,
      logger,
      plugins: [fakePlugin('process', [[INSTANCE_LOCK, lock]])],
    });
    expect(await app.exited).toBe(75);
    expect(main).not.toHaveBeenCalled();
    expect(logger.entries.some((e) => e.msg.includes('pid 777'))).toBe(true);
  });

  it("takes the lock under the main script's name by default", async () => {
    const names: string[] = [];
    const lock = { acquire: (name: string) => (names.push(name), { release: () => undefined }) };
    const script = Object.assign(new FakeProcess(), {
      argv: ['/usr/bin/node', '/srv/dist/orders.js'],
    });
    app = await bootstrap(() => undefined, {
      config: http,
      process: script,
      logger,
      plugins: [fakePlugin('process', [[INSTANCE_LOCK, lock]])],
    });
    expect(names).toEqual(['orders']);
    await app.shutdown();
  });

  it('logs an uncaught exception and exits by default, or keeps running when asked', async () => {
    app = await bootstrap(() => undefined, { config: http, process: proc, logger });
    proc.emit('uncaughtException', new Error('boom'));
    expect(await app.exited).toBe(1);
    expect(
      logger.entries.some((e) => e.level === 'fatal' && e.msg === 'uncaughtException: boom'),
    ).toBe(true);

    const proc2 = new FakeProcess();
    const keep = await bootstrap(() => undefined, {
      config: http,
      process: proc2,
      logger,
      onUnhandledRejection: 'keep-running',
    });
    proc2.emit('unhandledRejection', new Error('late'));
    expect(keep.host!.state).toBe('running');
    expect(proc2.exit).not.toHaveBeenCalled();
    await keep.shutdown('test');
    expect(proc2.exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when main throws, and 78 with one line for a bad config', async () => {
    app = await bootstrap(
      () => {
        throw new Error('db unreachable');
      },
      { config: http, process: proc, logger },
    );
    expect(await app.exited).toBe(1);
    expect(logger.entries.some((e) => e.msg.includes('main failed: db unreachable'))).toBe(true);

    const proc2 = new FakeProcess();
    const bad = await bootstrap(() => undefined, {
      config: { startup: { maxRestarts: 'many' } },
      process: proc2,
      logger,
    });
    expect(await bad.exited).toBe(78);
    expect(bad.host).toBeUndefined();
  });

  it('calls the reload handler on SIGHUP', async () => {
    const reload = jest.fn();
    app = await bootstrap(() => undefined, { config: http, process: proc, logger, reload });
    proc.emit('SIGHUP');
    await new Promise((r) => setImmediate(r));
    expect(reload).toHaveBeenCalledTimes(1);
    expect(app.host!.state).toBe('running');
  });
});
