import type { Subscription } from 'rxjs';
import { BehaviorSubject } from 'rxjs/internal/BehaviorSubject';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { AlertEngine } from '../alerts/alert.engine';
import { alertsRoute } from '../alerts/alerts.route';
import { assertValid, validateConfig, type LoadedConfig } from '../config/config.loader';
import type { VitalsConfig } from '../config/config.types';
import {
  ALERT_ENGINE,
  CLOCK,
  COLLECTOR,
  CONFIG,
  DESCRIPTOR_REGISTRY,
  HISTORY,
  HOST,
  HTTP_ROUTE,
  LOGGER,
  METRIC_STREAM,
  SHUTDOWN_HOOK,
} from '../core.tokens';
import { VitalsError, describeError, isVitalsError } from '../errors';
import { HttpServer, httpUrl } from '../http/http.server';
import type { HttpRoute } from '../http/http.types';
import type { Logger } from '../logging/logger';
import { createNoopLogger } from '../logging/logger';
import { collectOnce } from '../metrics/collect-once';
import type { Collector } from '../metrics/collector.types';
import { DescriptorRegistry } from '../metrics/descriptor.registry';
import { History } from '../metrics/history';
import { MetricStream } from '../metrics/metric.stream';
import type { Snapshot } from '../metrics/snapshot';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { asInjectionToken, type Token } from '../tokens';
import { withDeadline } from '../util/deadline';
import type { ShutdownHook } from './hooks.types';
import type { CollectOnceOptions, HostHandle, HostState, StopReport } from './host.types';
import { orderPlugins } from './plugin-order';
import type { Plugin, PluginContext } from './plugin.types';
import { reportRxErrorsTo } from './rx-errors';
import { runShutdownHooks, type ShutdownFailure } from './shutdown';

/** Options of {@link createHost}. */
export interface CreateHostOptions {
  readonly plugins?: readonly Plugin<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Raw configuration (or what `loadConfig` returned); validated here. @default {} */
  readonly config?: Record<string, unknown> | LoadedConfig;
  /** @default a logger that drops everything */
  readonly logger?: Logger;
  /** @default the system clock */
  readonly clock?: Clock;
  /** Environment handed to plugins (`ctx.env`); the CLI passes `process.env`. @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function isLoaded(value: CreateHostOptions['config']): value is LoadedConfig {
  return !!value && typeof value === 'object' && 'values' in value && 'envPaths' in value;
}

/**
 * Builds a host: a child tsyringe container of its own (two hosts in one process share nothing),
 * the core services, and every plugin registered in dependency order with its validated config
 * section. Throws ERR_CONFIG_INVALID (one line per problem), ERR_PLUGIN_DEPENDENCY or
 * ERR_PLUGIN_REGISTER (a plugin's ERR_USAGE or ERR_CONFIG_INVALID unwrapped, at register and at
 * `start()` alike). Nothing runs until `start()`.
 * @example const host = createHost({ plugins: [monitorPlugin()], config: { monitor: { intervalMs: 500 } } });
 * await host.start(); ... await host.stop();
 */
export function createHost(options: CreateHostOptions = {}): HostHandle {
  const logger = options.logger ?? createNoopLogger();
  const clock = options.clock ?? systemClock;
  const env = Object.freeze({ ...(options.env ?? {}) });
  const plugins = orderPlugins(options.plugins ?? []);
  const loaded = isLoaded(options.config)
    ? options.config
    : { values: options.config ?? {}, envPaths: {} };
  const validated = validateConfig(
    loaded,
    plugins.map((p) => ({ name: p.name, schema: p.configSchema, defaults: p.options })),
  );
  assertValid(validated);
  for (const warning of validated.problems) logger.warn(warning.message);
  const config: VitalsConfig = validated.config;

  const container: DependencyContainer = rootContainer.createChildContainer();
  const stream = new MetricStream(logger.child({ component: 'stream' }));
  const descriptors = new DescriptorRegistry();
  const history = new History(config.history, logger.child({ component: 'history' }));
  const alerts = new AlertEngine(stream, logger.child({ component: 'alerts' }));
  const state$ = new BehaviorSubject<HostState>('created');

  const resolveAll = <T>(token: symbol): T[] =>
    container.isRegistered(token, true) ? container.resolveAll<T>(token) : [];

  let http: HttpServer | undefined;
  let subscriptions: Subscription[] = [];
  let detachRx: (() => void) | undefined;
  let started: Plugin<unknown>[] = [];
  let starting: Promise<void> | undefined;
  let stopping: Promise<StopReport> | undefined;

  const setState = (next: HostState) => {
    if (state$.value !== next) state$.next(next);
  };
  const contextFor = (plugin: Plugin<unknown>): PluginContext => ({
    container,
    config,
    clock,
    env,
    logger: logger.child({ plugin: plugin.name }),
    host,
  });

  const stopPlugins = async (list: Plugin<unknown>[]): Promise<ShutdownFailure[]> => {
    const failures: ShutdownFailure[] = [];
    for (const plugin of [...list].reverse()) {
      if (!plugin.stop) continue;
      const ms = plugin.stopTimeoutMs ?? config.stopTimeoutMs;
      const result = await withDeadline(
        () => plugin.stop?.(contextFor(plugin)),
        ms,
        `plugin "${plugin.name}" stop`,
        clock,
      );
      if (!result.ok) {
        const message = result.timedOut
          ? `stop abandoned after ${ms} ms`
          : `stop threw: ${describeError(result.error)}`;
        failures.push({ step: `plugin ${plugin.name}`, message, timedOut: result.timedOut });
        logger.error(
          { plugin: plugin.name, err: result.error },
          `plugin ${plugin.name} ${message}`,
        );
      }
    }
    return failures;
  };

  const teardown = async () => {
    await http
      ?.stop(config.stopTimeoutMs)
      .catch((error) => logger.error({ err: error }, 'http server stop failed'));
    http = undefined;
    for (const s of subscriptions) s.unsubscribe();
    subscriptions = [];
    detachRx?.();
    detachRx = undefined;
  };

  const doStart = async () => {
    setState('starting');
    try {
      for (const collector of resolveAll<Collector>(COLLECTOR)) {
        descriptors.declareAll(collector.name, collector.descriptors ?? []);
      }
      detachRx = reportRxErrorsTo(logger);
      subscriptions = [history.attach(stream.batches$), alerts.attach(stream.batches$)];
      const routes = resolveAll<HttpRoute>(HTTP_ROUTE);
      // Built in whenever the server runs (a plugin's own GET /api/alerts wins).
      if (routes.length > 0 && !routes.some((r) => r.method === 'GET' && r.path === '/api/alerts'))
        routes.push(alertsRoute(alerts));
      if (routes.length > 0) {
        http = new HttpServer(config.http, routes, logger.child({ component: 'http' }), { clock });
        const address = await http.start();
        logger.info(address, `http server listening on ${httpUrl(address)}`);
      }
    } catch (error) {
      await teardown();
      setState('failed');
      throw error;
    }
    for (const plugin of plugins) {
      if (!plugin.start) {
        started.push(plugin);
        continue;
      }
      const ms = plugin.startTimeoutMs ?? config.startTimeoutMs;
      const result = await withDeadline(
        () => plugin.start?.(contextFor(plugin)),
        ms,
        `plugin "${plugin.name}" start`,
        clock,
      );
      if (!result.ok) {
        const cause = result.timedOut
          ? `did not start within ${ms} ms`
          : describeError(result.error);
        const badInput = !result.timedOut && isBadInput(result.error);
        if (!badInput)
          logger.error(
            { plugin: plugin.name, err: result.error },
            `plugin ${plugin.name} failed to start; rolling back`,
          );
        await stopPlugins(started);
        started = [];
        await teardown();
        setState('failed');
        // As at register: one line naming the key, a usage error (exit 64), not a fault.
        if (badInput) throw result.error;
        throw new VitalsError(
          'ERR_PLUGIN_START',
          `plugin "${plugin.name}" failed to start: ${cause}`,
          {
            cause: result.error,
          },
        );
      }
      started.push(plugin);
    }
    setState('running');
  };

  const doStop = async (reason: string): Promise<StopReport> => {
    const began = clock.now();
    if (starting) await starting.catch(() => undefined);
    const wasStarted = state$.value === 'running';
    setState('stopping');
    const failures: ShutdownFailure[] = [];
    if (wasStarted) {
      failures.push(
        ...(await runShutdownHooks(resolveAll<ShutdownHook>(SHUTDOWN_HOOK), {
          deadlineMs: config.stopTimeoutMs,
          reason,
          logger,
          clock,
        })),
      );
      failures.push(...(await stopPlugins(started)));
    }
    started = [];
    await teardown();
    stream.close();
    try {
      await container.dispose();
    } catch (error) {
      logger.error({ err: error }, 'container dispose failed');
    }
    setState('stopped');
    state$.complete();
    return { reason, failures, durationMs: clock.now() - began };
  };

  const host: HostHandle = {
    container,
    config,
    stream,
    history,
    alerts,
    descriptors,
    logger,
    clock,
    plugins: plugins.map((p) => p.name),
    get state() {
      return state$.value;
    },
    state$: state$.asObservable(),
    start() {
      if (stopping) {
        return Promise.reject(
          new VitalsError(
            'ERR_LIFECYCLE_STATE',
            'this host was stopped; create a new one to start again',
          ),
        );
      }
      starting ??= doStart();
      return starting;
    },
    stop(reason = 'stop') {
      stopping ??= doStop(reason);
      return stopping;
    },
    collectOnce(opts: CollectOnceOptions = {}): Promise<Snapshot> {
      return collectOnce(resolveAll<Collector>(COLLECTOR), {
        timeoutMs: opts.timeoutMs,
        clock,
        logger,
      }).then((snapshot) => {
        if (opts.publish) for (const batch of snapshot.batches) stream.publish(batch);
        return snapshot;
      });
    },
    resolve: <T>(token: Token<T>): T => container.resolve(asInjectionToken(token)),
    resolveAll,
    httpAddress: () => http?.address(),
  };

  container.register(LOGGER, { useValue: logger });
  container.register(CLOCK, { useValue: clock });
  container.register(CONFIG, { useValue: config });
  container.register(METRIC_STREAM, { useValue: stream });
  container.register(DESCRIPTOR_REGISTRY, { useValue: descriptors });
  container.register(HISTORY, { useValue: history });
  container.register(ALERT_ENGINE, { useValue: alerts });
  container.register(HOST, { useValue: host });

  for (const plugin of plugins) {
    try {
      plugin.register(container, validated.sections.get(plugin.name), {
        config,
        clock,
        env,
        logger: logger.child({ plugin: plugin.name }),
      });
    } catch (error) {
      // Bad input the plugin found in its own config (a folder that is a file): already one line
      // naming the key, and a usage error (exit 64), not a fault of the plugin.
      if (isBadInput(error)) throw error;
      throw new VitalsError(
        'ERR_PLUGIN_REGISTER',
        `plugin "${plugin.name}" failed to register: ${describeError(error)}`,
        { cause: error },
      );
    }
  }
  return host;
}

/** Bad input a plugin found in its own config (a folder that is a file), passed on unwrapped. */
function isBadInput(error: unknown): error is VitalsError {
  return (
    isVitalsError(error) && (error.code === 'ERR_USAGE' || error.code === 'ERR_CONFIG_INVALID')
  );
}
