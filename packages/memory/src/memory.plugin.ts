import { getHeapStatistics } from 'node:v8';
import type { Subscription } from 'rxjs';
import { filter } from 'rxjs';
import {
  CLI_COMMAND,
  COLLECTOR,
  MEMORY_CLEANUP,
  METRICS,
  V8_TUNER,
  describeError,
} from '@vitals/core';
import type { Cancel, Plugin, PluginContext } from '@vitals/core';
import { memoryConfigSchema } from './memory.options';
import type { MemoryConfig, MemoryOptions } from './memory.options';
import { MEMORY_SERVICE } from './memory.tokens';
import { GcObserver } from './gc/gc.observer';
import { createHeapCollector } from './gc/heap.collector';
import { createGcCollector } from './gc/gc.collector';
import { LeakMonitor } from './leak/leak.monitor';
import { DefaultMemoryService } from './cleanup/memory.service';
import { HeapSnapshotWriter } from './snapshot/heap-snapshot.writer';
import { heapSnapshotCommand } from './snapshot/heap-snapshot.command';
import { heapDiffCommand } from './snapshot/heap-diff.command';
import { createV8Tuner } from './tuning/v8.tuner';
import { createProfileCollector } from './profile/profile.collector';
import { defaultProfiler } from './profile/memory.profiler';
import { memoryAlertRules, CRITICAL_MEMORY_METRICS } from './memory.alerts';

/** True when periodic forced GC must stay off: under tests. */
export function isTestEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.NODE_ENV === 'test' || env.JEST_WORKER_ID !== undefined;
}

/**
 * The memory plugin: heap and GC collectors, the leak detector and its alerts, GC pressure,
 * profiles, `optimizeMemory()` / `emergencyCleanup()`, heap snapshots, `vitals heap snapshot|diff`,
 * and V8 flag profiles (V8_TUNER). Periodic forced GC reads the host's environment (`ctx.env`, or
 * the `env` option when given) to stay off under tests.
 *
 * @example createHost({ env: process.env, plugins: [memoryPlugin({ cleanupOnCriticalAlert: true })] })
 */
export function memoryPlugin(options: MemoryOptions = {}): Plugin<MemoryConfig> {
  let state:
    | {
        config: MemoryConfig;
        observer: GcObserver;
        leaks: LeakMonitor;
        service: DefaultMemoryService;
      }
    | undefined;
  let subscriptions: Subscription[] = [];
  let cancelGc: Cancel | undefined;
  return {
    name: 'memory',
    options: options as Partial<MemoryConfig>,
    configSchema: memoryConfigSchema,
    register(container, config, ctx) {
      const { logger } = ctx;
      const observer = new GcObserver(ctx.clock, config.gcPressureWindowMs, (error) =>
        logger.error({ err: describeError(error) }, 'memory: a GC listener failed'),
      );
      const leaks = new LeakMonitor(config.leak, () => getHeapStatistics().heap_size_limit);
      observer.onMajor((p) => leaks.add(p));
      defaultProfiler.useGcCounter(() => observer.total);
      const snapshots = new HeapSnapshotWriter(config.snapshot, ctx.clock);
      const service = new DefaultMemoryService({
        container,
        leaks,
        snapshots,
        logger,
        allowGcFallback: config.allowGcFallback,
      });
      state = { config, observer, leaks, service };
      container.register(MEMORY_SERVICE, { useValue: service });
      container.register(MEMORY_CLEANUP, { useValue: service });
      container.register(V8_TUNER, { useValue: createV8Tuner() });
      container.register(COLLECTOR, { useValue: createHeapCollector() });
      container.register(COLLECTOR, { useValue: createGcCollector(observer, ctx.clock, leaks) });
      container.register(COLLECTOR, { useValue: createProfileCollector(defaultProfiler) });
      container.register(CLI_COMMAND, { useValue: heapSnapshotCommand });
      container.register(CLI_COMMAND, { useValue: heapDiffCommand });
    },
    start(ctx: PluginContext) {
      if (!state) return;
      const { config, observer, leaks, service } = state;
      const { host, logger } = ctx;
      observer.start();
      if (config.alerts) for (const rule of memoryAlertRules(config)) host.alerts.addRule(rule);
      subscriptions.push(
        leaks.events$.subscribe((event) => {
          if (event.state === 'detected' && config.alerts) {
            // The rule's summary carries the numbers, so the firing alert's message does too.
            const rule = memoryAlertRules(config).find((r) => r.id === `memory.leak.${event.kind}`);
            if (rule) host.alerts.addRule({ ...rule, summary: event.message });
          }
          if (event.state !== 'update')
            logger.warn({ leak: event.assessment, kind: event.kind }, event.message);
          host.stream.publish({
            source: 'memory-leak',
            at: event.at,
            samples: [
              {
                name: METRICS.leakRateBytesPerSecond,
                value: leaks.rate(event.kind),
                labels: { kind: event.kind },
              },
            ],
          });
        }),
      );
      if (config.cleanupOnCriticalAlert) {
        let lastCleanup = -Infinity;
        subscriptions.push(
          host.alerts.alerts$
            .pipe(
              filter(
                (a) =>
                  a.state === 'firing' &&
                  a.severity === 'critical' &&
                  CRITICAL_MEMORY_METRICS.has(a.metric),
              ),
            )
            .subscribe((alert) => {
              if (ctx.clock.now() - lastCleanup < 600_000) return;
              lastCleanup = ctx.clock.now();
              logger.warn(
                { alert: alert.ruleId },
                `memory: critical alert (${alert.message}); running emergency cleanup`,
              );
              service
                .emergencyCleanup()
                .catch((error: unknown) =>
                  logger.error({ err: describeError(error) }, 'memory: emergency cleanup failed'),
                );
            }),
        );
      }
      if (config.periodicGcMs > 0 && !isTestEnv(config.env ?? ctx.env)) {
        const tick = (): void => {
          const r = service.optimizeMemory();
          logger.debug({ freed: r.freedBytes, method: r.method }, `memory: periodic ${r.message}`);
          cancelGc = ctx.clock.setTimeout(tick, config.periodicGcMs);
        };
        cancelGc = ctx.clock.setTimeout(tick, config.periodicGcMs);
      }
    },
    stop() {
      cancelGc?.();
      cancelGc = undefined;
      for (const s of subscriptions) s.unsubscribe();
      subscriptions = [];
      state?.observer.stop();
    },
  };
}
