import {
  CLEANUP_HANDLER,
  CLI_COMMAND,
  MEMORY_CLEANUP,
  METRICS,
  ManualClock,
  V8_TUNER,
  asInjectionToken,
  createHost,
  createMemoryLogger,
  isVitalsError,
} from '@vitals/core';
import type { AlertEvent, HostHandle } from '@vitals/core';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryPlugin } from './memory.plugin';
import { MEMORY_SERVICE } from './memory.tokens';
import { registerCache } from './cleanup/register-cache';
import type { LeakEvent } from './leak/leak.monitor';

const MB = 1024 * 1024;
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('memoryPlugin', () => {
  let host: HostHandle | undefined;
  afterEach(async () => {
    await host?.stop('test over');
    host = undefined;
  });

  it('registers collectors, services and the heap commands; collects heap and GC metrics', async () => {
    host = createHost({ plugins: [memoryPlugin()] });
    expect(
      host.container
        .resolve(asInjectionToken(V8_TUNER))
        .recommendFlags('container', { memoryLimitBytes: 1024 * MB }).flags,
    ).toEqual(['--max-old-space-size=768']);
    expect(typeof host.container.resolve(asInjectionToken(MEMORY_CLEANUP)).emergencyCleanup).toBe(
      'function',
    );
    const snapshot = await host.collectOnce();
    expect(snapshot.value(METRICS.heapLimitBytes)).toBeGreaterThan(64 * MB);
    expect(snapshot.value(METRICS.heapSpaceUsedBytes, { space: 'old' })).toBeGreaterThan(0);
    expect(snapshot.has(`${METRICS.gcDuration}_bucket`)).toBe(true);
    expect(snapshot.value(METRICS.gcPressureRatio)).toBe(0);
    expect(snapshot.value(METRICS.leakRateBytesPerSecond, { kind: 'external' })).toBe(0);
    expect(snapshot.names()).not.toContain(METRICS.heapUsedBytes);
    const commands = host.resolveAll<{ name: string }>(CLI_COMMAND).map((c) => c.name);
    expect(commands).toEqual(expect.arrayContaining(['heap snapshot', 'heap diff']));
  });

  it('emergencyCleanup clears every registered cache (a failing one is isolated), forces GC, reports a refused snapshot', async () => {
    const logger = createMemoryLogger();
    host = createHost({
      plugins: [memoryPlugin({ snapshot: { minFreeBytes: 1024 ** 5 } })],
      logger,
    });
    await host.start();
    let cleared = 0;
    const off = registerCache(host, 'sessions', () => {
      cleared++;
      return 12;
    });
    host.container.register(CLEANUP_HANDLER, {
      useValue: {
        name: 'broken',
        clear: () => {
          throw new Error('cache on fire');
        },
      },
    });
    const steps = await host.container
      .resolve(asInjectionToken(MEMORY_SERVICE))
      .emergencyCleanup({ heapSnapshot: true });
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ['cache:sessions', true],
      ['cache:broken', false],
      ['gc', true],
      ['heap-snapshot', false],
    ]);
    expect(steps[0].detail).toBe('cleared 12');
    expect(steps[1].detail).toBe('cache on fire');
    expect(steps[3].detail).toMatch(/refused: .* free/);
    expect(cleared).toBe(1);
    off();
    await host.container.resolve(asInjectionToken(MEMORY_CLEANUP)).emergencyCleanup();
    expect(cleared).toBe(1);
  });

  it('finds a Buffer leak through external memory and fires a leak alert with rate, confidence and window', async () => {
    const clock = new ManualClock(Date.now());
    host = createHost({ plugins: [memoryPlugin()], clock });
    await host.start();
    const memory = host.container.resolve(asInjectionToken(MEMORY_SERVICE));
    const events: LeakEvent[] = [];
    const alerts: AlertEvent[] = [];
    memory.leaks$.subscribe((e) => events.push(e));
    host.alerts.alerts$.subscribe((a) => alerts.push(a));
    const retained: Buffer[] = [];
    // 2 MB of Buffers every 5 s of virtual time (24 MB/min), each followed by a real major GC.
    for (let i = 0; i < 40 && !events.some((e) => e.state === 'detected'); i++) {
      retained.push(Buffer.alloc(2 * MB, 1));
      clock.advance(5000);
      memory.optimizeMemory();
      for (let k = 0; k < 20; k++) await tick();
    }
    const detected = events.find((e) => e.state === 'detected');
    expect(detected?.kind).toBe('external');
    expect(detected!.assessment.rateMBPerHour).toBeGreaterThan(600);
    expect(detected!.message).toMatch(/external memory.*MB\/h, confidence \d\.\d\d, over \d+m/);
    expect(events.some((e) => e.kind === 'heap' && e.state === 'detected')).toBe(false);
    const alert = alerts.find((a) => a.ruleId === 'memory.leak.external' && a.state === 'firing');
    expect(alert?.message).toMatch(/MB\/h, confidence/);
    expect(retained.length).toBeLessThan(40);
  });

  it('runs periodic forced GC on the host clock, but never when the host env says test (NODE_ENV or jest)', async () => {
    const clock = new ManualClock(0);
    const start = async (env: Record<string, string>, option?: Record<string, string>) => {
      await host?.stop();
      host = createHost({
        env,
        plugins: [
          memoryPlugin({
            periodicGcMs: '1m',
            measurementGc: { enabled: false },
            ...(option ? { env: option } : {}),
          }),
        ],
        clock,
      });
      await host.start();
      return clock.pending;
    };
    expect(await start({ NODE_ENV: 'test' })).toBe(0);
    expect(await start({ JEST_WORKER_ID: '1' })).toBe(0);
    // The plugin's own `env` option overrides the host's, both ways.
    expect(await start({ NODE_ENV: 'production' }, { NODE_ENV: 'test' })).toBe(0);
    expect(await start({ NODE_ENV: 'test' }, { NODE_ENV: 'production' })).toBe(1);
    expect(await start({ NODE_ENV: 'production' })).toBe(1);
    const majors = async (): Promise<number> =>
      (await host!.collectOnce()).value('nodejs_gc_duration_seconds_count', { kind: 'major' }) ?? 0;
    const before = await majors();
    clock.advance(60_000);
    for (let k = 0; k < 20 && (await majors()) === before; k++) await tick();
    expect(await majors()).toBeGreaterThan(before);
    expect(clock.pending).toBe(1);
  });

  it('runs emergency cleanup on a critical memory alert only when cleanupOnCriticalAlert is on', async () => {
    for (const enabled of [false, true]) {
      host = createHost({ plugins: [memoryPlugin({ cleanupOnCriticalAlert: enabled })] });
      await host.start();
      let cleared = 0;
      registerCache(host, 'pool', () => {
        cleared++;
      });
      host.alerts.addRule({
        id: 'mem',
        metric: METRICS.memoryUsedRatio,
        op: '>',
        threshold: 0.9,
        severity: 'critical',
      });
      host.stream.publish({
        source: 'test',
        at: Date.now(),
        samples: [{ name: METRICS.memoryUsedRatio, value: 0.97 }],
      });
      for (let k = 0; k < 10; k++) await tick();
      expect(cleared).toBe(enabled ? 1 : 0);
      await host.stop();
      host = undefined;
    }
  });

  it('rejects a bad config value with one line naming the path', () => {
    let error: unknown;
    try {
      createHost({ plugins: [memoryPlugin()], config: { memory: { leak: { minConfidence: 3 } } } });
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/memory\.leak\.minConfidence/);
  });

  it('refuses at start a snapshot folder that cannot hold the evidence, with --snapshot-on-leak; register makes nothing', async () => {
    const base = mkdtempSync(join(tmpdir(), 'vitals-snapdir-'));
    try {
      const file = join(base, 'afile');
      writeFileSync(file, '');
      const attempt = async (snapshotDir: string): Promise<unknown> => {
        const host = createHost({
          plugins: [memoryPlugin()],
          config: { memory: { snapshotOnLeak: true, snapshotDir } },
        });
        try {
          await host.start();
        } catch (e) {
          return e;
        } finally {
          await host.stop();
        }
        return undefined;
      };
      // Before: accepted, and refused only when the first leak was confirmed.
      const error = await attempt(join(file, 'snaps'));
      expect(isVitalsError(error, 'ERR_USAGE')).toBe(true);
      expect((error as Error).message).toBe(
        `memory.snapshotDir (--snapshot-dir): heap snapshot refused: ${join(file, 'snaps')} goes through ${file}, which is not a folder; choose another snapshot.dir (a folder of yours, mode 0700)`,
      );
      // Building a host (every CLI command does) makes nothing; starting it makes the folder 0700.
      createHost({
        plugins: [memoryPlugin()],
        config: { memory: { snapshotOnLeak: true, snapshotDir: join(base, 'snaps') } },
      });
      expect(existsSync(join(base, 'snaps'))).toBe(false);
      expect(await attempt(join(base, 'snaps'))).toBeUndefined();
      expect(statSync(join(base, 'snaps')).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('forces a measurement GC when major GCs are rare and the heap grew, and publishes its baseline; never under tests', async () => {
    const clock = new ManualClock(0);
    const start = async (env: Record<string, string>) => {
      await host?.stop();
      host = createHost({
        env,
        plugins: [
          memoryPlugin({ measurementGc: { afterMs: '10s', minGrowthBytes: 0, minGrowthRatio: 0 } }),
        ],
        clock,
      });
      await host.start();
      return clock.pending;
    };
    expect(await start({ NODE_ENV: 'test' })).toBe(0);
    expect(await start({ NODE_ENV: 'production' })).toBe(1);
    const baselines: number[] = [];
    host!.stream.batches$.subscribe((b) => {
      for (const s of b.samples)
        if (s.name === METRICS.heapAfterGcBytes && !s.labels) baselines.push(b.at);
    });
    const retained = Buffer.alloc(2 * MB, 1);
    for (let i = 0; i < 6; i++) clock.advance(2500);
    for (let k = 0; k < 50 && baselines.length === 0; k++) await tick();
    expect((await host!.collectOnce()).value('vitals_measurement_gc_total')).toBeGreaterThanOrEqual(
      1,
    );
    expect(baselines.length).toBeGreaterThanOrEqual(1);
    // No baseline yet: the first measurement comes 2 s in (firstAfterMs), not after afterMs.
    expect(baselines[0]).toBeGreaterThanOrEqual(2_000);
    expect(baselines[0]).toBeLessThan(10_000);
    expect(retained.length).toBe(2 * MB);
  });
});
