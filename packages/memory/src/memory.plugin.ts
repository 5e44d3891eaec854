import { getHeapStatistics } from 'node:v8';
import type { Subscription } from 'rxjs';
import { filter } from 'rxjs/internal/operators/filter';
import {
  CLI_COMMAND,
  COLLECTOR,
  SERVICE_REGISTRY,
  MEMORY_CLEANUP,
  METRICS,
  V8_TUNER,
  describeError,
} from '@vitals/core';
import type { Cancel, MetricBatch, Plugin, PluginContext, Sample } from '@vitals/core';
import { memoryConfigSchema } from './memory.options';
import type { MemoryConfig, MemoryOptions } from './memory.options';
import { MEMORY_SERVICE } from './memory.tokens';
import { GcObserver } from './gc/gc.observer';
import { createHeapCollector } from './gc/heap.collector';
import { createGcCollector } from './gc/gc.collector';
import { BaselineReader } from './leak/baseline.reader';
import { LEAK_KINDS } from './leak/leak.monitor';
import { MeasurementGc, oldGenerationUsed } from './gc/measurement-gc';
import { ServiceRuntime, SOURCE as RUNTIME_SOURCE } from './gc/service-runtime';
import { LeakEvidence } from './snapshot/leak-evidence';
import { memoryError } from './memory.errors';
import { DefaultMemoryService } from './cleanup/memory.service';
import { HeapSnapshotWriter } from './snapshot/heap-snapshot.writer';
import { heapSnapshotCommand } from './snapshot/heap-snapshot.command';
import { heapDiffCommand } from './snapshot/heap-diff.command';
import { createV8Tuner } from './tuning/v8.tuner';
import { createProfileCollector } from './profile/profile.collector';
import { defaultProfiler } from './profile/memory.profiler';
import { memoryAlertRules, leakRule, CRITICAL_MEMORY_METRICS } from './memory.alerts';

/** True when periodic forced GC must stay off: under tests. */
export function isTestEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.NODE_ENV === 'test' || env.JEST_WORKER_ID !== undefined;
}

/**
 * The `env` option as a plain record of strings: any object works (`process.env` is not a plain
 * record); values that are not strings are left out. The error never shows the environment.
 */
function plainEnv(env: unknown): Record<string, string> | undefined {
  if (env === undefined) return undefined;
  if (env === null || typeof env !== 'object' || Array.isArray(env))
    throw memoryError(
      'ERR_INVALID_ARGUMENT',
      `memoryPlugin({ env }) needs an object of string values such as process.env (got ${Array.isArray(env) ? 'an array' : env === null ? 'null' : `a ${typeof env}`})`,
    );
  const out: Record<string, string> = {};
  for (const key of Object.keys(env)) {
    const value = (env as Record<string, unknown>)[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

const SOURCE_GC = 'memory-gc';
const SOURCE_LEAK = 'memory-leak';

/**
 * The memory plugin: heap and GC collectors, the leak detectors and their alerts, GC pressure,
 * profiles, `optimizeMemory()` / `emergencyCleanup()`, heap snapshots, `vitals heap snapshot|diff`,
 * and V8 flag profiles (V8_TUNER).
 *
 * One code path for this process and every supervised service: the GC observer publishes this
 * process's post-GC baselines on the stream (`vitals_heap_after_gc_bytes`,
 * `vitals_external_after_gc_bytes`, no `service` label), a supervisor publishes its child's with
 * `{service}`, and the plugin reads them back from the stream, one detector pair per `service`.
 * Periodic and measurement GC read the host's environment (`ctx.env`, or the `env` option) to
 * stay off under tests.
 *
 * @example createHost({ env: process.env, plugins: [memoryPlugin({ cleanupOnCriticalAlert: true })] })
 */
export function memoryPlugin(options: MemoryOptions = {}): Plugin<MemoryConfig> {
  const { env: rawEnv, ...rest } = options;
  const env = plainEnv(rawEnv);
  let state:
    | {
        config: MemoryConfig;
        observer: GcObserver;
        reader: BaselineReader;
        runtime: ServiceRuntime;
        measurement: MeasurementGc | undefined;
        snapshots: HeapSnapshotWriter;
        service: DefaultMemoryService;
      }
    | undefined;
  let subscriptions: Subscription[] = [];
  let cancelGc: Cancel | undefined;
  let cancelMeasure: Cancel | undefined;
  let evidence: LeakEvidence | undefined;
  return {
    name: 'memory',
    options: rest as Partial<MemoryConfig>,
    configSchema: memoryConfigSchema,
    register(container, config, ctx) {
      const { logger } = ctx;
      const observer = new GcObserver(ctx.clock, config.gcPressureWindowMs, (error) =>
        logger.error({ err: describeError(error) }, 'memory: a GC listener failed'),
      );
      const ownHeapLimit = (): number => getHeapStatistics().heap_size_limit;
      const { maxServices, forgetAfterMs, assessEveryMs, confirmMs, ...detector } = config.leak;
      const reader = new BaselineReader({
        detector,
        maxServices,
        forgetAfterMs,
        assessEveryMs,
        confirmMs,
        ownHeapLimit,
      });
      const runtime = new ServiceRuntime(config.gcPressureWindowMs, ownHeapLimit, maxServices);
      const testRun = isTestEnv(env ?? config.env ?? ctx.env);
      const measurement =
        config.measurementGc.enabled && !testRun
          ? new MeasurementGc(
              { ...config.measurementGc, allowFallback: config.allowGcFallback },
              ctx.clock.now(),
            )
          : undefined;
      defaultProfiler.useGcCounter(() => observer.total);
      const snapshots = new HeapSnapshotWriter(config.snapshot, ctx.clock);
      const service = new DefaultMemoryService({
        container,
        leaks: reader,
        snapshots,
        logger,
        allowGcFallback: config.allowGcFallback,
        now: () => ctx.clock.now(),
      });
      state = { config, observer, reader, runtime, measurement, snapshots, service };
      container.register(MEMORY_SERVICE, { useValue: service });
      container.register(MEMORY_CLEANUP, { useValue: service });
      container.register(V8_TUNER, { useValue: createV8Tuner() });
      container.register(COLLECTOR, { useValue: createHeapCollector() });
      container.register(COLLECTOR, {
        useValue: createGcCollector(
          observer,
          ctx.clock,
          { rate: (kind) => reader.monitor()?.rate(kind) ?? 0 },
          measurement,
        ),
      });
      container.register(COLLECTOR, { useValue: createProfileCollector(defaultProfiler) });
      container.register(CLI_COMMAND, { useValue: heapSnapshotCommand });
      container.register(CLI_COMMAND, { useValue: heapDiffCommand });
    },
    start(ctx: PluginContext) {
      if (!state) return;
      const { config, observer, reader, runtime, measurement, snapshots, service } = state;
      if (config.snapshotOnLeak) {
        // A folder that cannot hold the evidence is bad input at start (`vitals run` starts the
        // host before its child), not a surprise at the leak; not at register, which every
        // command runs (`vitals --help` made the folder, `vitals ps` failed on it).
        try {
          snapshots.checkDir(config.snapshotDir ?? snapshots.dir);
        } catch (error) {
          throw memoryError(
            'ERR_USAGE',
            `memory.snapshotDir (--snapshot-dir): ${(error as Error).message}`,
          );
        }
      }
      const { host, logger } = ctx;
      const publish = (batch: MetricBatch): void => {
        try {
          host.stream.publish(batch);
        } catch (error) {
          logger.error({ err: describeError(error) }, 'memory: could not publish');
        }
      };
      // This process's baselines go on the stream like a supervised child's.
      const publishBaseline = (at: number, heap: number, external: number): void =>
        publish({
          source: SOURCE_GC,
          at,
          samples: [
            { name: METRICS.heapAfterGcBytes, value: heap },
            { name: METRICS.externalAfterGcBytes, value: external },
          ],
        });
      // performance.now() window of the last measurement GC: its observer entry is published
      // already (right after the GC, as the agent does), so it is not published twice.
      let measured = { from: -1, to: -1 };
      observer.onMajor((p) => {
        const start = p.startTime ?? -Infinity;
        if (start >= measured.from && start <= measured.to) return;
        measurement?.noteMajor(p.at, oldGenerationUsed());
        publishBaseline(p.at, p.heapUsedBytes, p.externalBytes);
      });
      reader.onAssessed((svc, at) => {
        const monitor = reader.monitor(svc);
        if (!monitor) return;
        const samples: Sample[] = [];
        for (const kind of LEAK_KINDS) {
          const labels: Record<string, string> =
            svc === undefined ? { kind } : { kind, service: svc };
          const a = monitor.lastAssessment(kind);
          samples.push({ name: METRICS.leakRateBytesPerSecond, value: monitor.rate(kind), labels });
          if (a && a.points > 0)
            samples.push({ name: METRICS.leakConfidenceRatio, value: a.confidence, labels });
          if (monitor.rate(kind) > 0 && a?.leaking && a.timeToLimitMs !== undefined)
            samples.push({
              name: METRICS.leakTimeToLimitSeconds,
              value: a.timeToLimitMs / 1000,
              labels,
            });
        }
        publish({ source: SOURCE_LEAK, at, samples });
      });
      if (config.alerts) {
        for (const rule of memoryAlertRules(config)) host.alerts.addRule(rule);
        reader.onAdded((svc) => {
          for (const kind of LEAK_KINDS) host.alerts.addRule(leakRule(kind, svc));
        });
        reader.onForgotten((svc) => {
          for (const kind of LEAK_KINDS) host.alerts.removeRule(leakRule(kind, svc).id);
        });
      }
      if (config.snapshotOnLeak) {
        evidence = new LeakEvidence({
          container: ctx.container,
          registryToken: SERVICE_REGISTRY,
          writer: snapshots,
          dir: config.snapshotDir ?? config.snapshot.dir,
          gapMs: config.snapshotGapMs,
          maxHeapBytes: config.snapshotMaxHeapBytes,
          clock: ctx.clock,
          logger,
          heapUsed: (svc) =>
            svc === undefined
              ? getHeapStatistics().used_heap_size
              : host.stream.latestValue(METRICS.heapUsedBytes, { service: svc })?.value,
          onDiff: (svc, kind, message) => {
            if (config.alerts) host.alerts.addRule(leakRule(kind, svc, message));
          },
        });
      }
      subscriptions.push(
        reader.events$.subscribe((event) => {
          if (event.state === 'detected' && config.alerts)
            // The rule's summary carries the numbers, so the firing alert's message does too.
            host.alerts.addRule(leakRule(event.kind, event.service, event.message));
          if (event.state !== 'update')
            logger.warn(
              {
                leak: event.assessment,
                kind: event.kind,
                ...(event.service !== undefined && { service: event.service }),
              },
              event.message,
            );
          if (event.state === 'detected') evidence?.onDetected(event);
        }),
      );
      // The leak alerts of every service are printed where the host logs (`vitals run` too).
      subscriptions.push(
        host.alerts.alerts$
          .pipe(filter((a) => a.ruleId.startsWith('memory.leak.') && a.state !== 'pending'))
          .subscribe((a) =>
            logger.warn(
              { alert: a.ruleId, state: a.state, labels: a.labels },
              `alert ${a.state}: ${a.message}`,
            ),
          ),
      );
      subscriptions.push(
        host.stream.batches$.subscribe((batch) => {
          try {
            reader.ingest(batch);
            if (batch.source === RUNTIME_SOURCE || batch.source === SOURCE_LEAK) return;
            const derived = runtime.ingest(batch);
            if (derived.length > 0)
              publish({ source: RUNTIME_SOURCE, at: batch.at, samples: derived });
          } catch (error) {
            logger.error(
              { source: batch?.source, err: describeError(error) },
              'memory: could not read a batch',
            );
          }
        }),
      );
      observer.start();
      if (config.cleanupOnCriticalAlert) {
        let lastCleanup = -Infinity;
        subscriptions.push(
          host.alerts.alerts$
            .pipe(
              filter(
                (a) =>
                  a.state === 'firing' &&
                  a.severity === 'critical' &&
                  // A supervised service's alert is about another process: our caches do not help.
                  a.labels.service === undefined &&
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
      const testRun = isTestEnv(env ?? config.env ?? ctx.env);
      if (config.periodicGcMs > 0 && !testRun) {
        const tick = (): void => {
          try {
            const r = service.optimizeMemory();
            logger.debug(
              { freed: r.freedBytes, method: r.method },
              `memory: periodic ${r.message}`,
            );
          } catch (error) {
            logger.error({ err: describeError(error) }, 'memory: periodic GC failed');
          }
          cancelGc = ctx.clock.setTimeout(tick, config.periodicGcMs);
        };
        cancelGc = ctx.clock.setTimeout(tick, config.periodicGcMs);
      }
      if (measurement) {
        // Checked every second, as the agent does for a supervised child: the same policy on the
        // same cadence, so both paths give the detector the same points.
        const every = 1000;
        const tick = (): void => {
          try {
            const now = ctx.clock.now();
            const r = measurement.check(now);
            if (r.forced) {
              // Read right after the GC, before young garbage piles up again: the same point the
              // agent sends for a supervised child's measurement GC.
              measured = { from: r.from - 1, to: r.to };
              publishBaseline(
                now,
                getHeapStatistics().used_heap_size,
                process.memoryUsage().external,
              );
              logger.debug({ pauseMs: r.pauseMs }, `memory: ${r.reason}`);
            }
          } catch (error) {
            logger.error({ err: describeError(error) }, 'memory: measurement GC failed');
          }
          cancelMeasure = ctx.clock.setTimeout(tick, every);
        };
        cancelMeasure = ctx.clock.setTimeout(tick, every);
      }
    },
    stop() {
      cancelGc?.();
      cancelGc = undefined;
      cancelMeasure?.();
      cancelMeasure = undefined;
      evidence?.close();
      evidence = undefined;
      for (const s of subscriptions) s.unsubscribe();
      subscriptions = [];
      state?.observer.stop();
    },
  };
}
