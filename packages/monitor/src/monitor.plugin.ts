import { hostname } from 'node:os';
import type { DependencyContainer } from 'tsyringe';
import {
  ALERT_ENGINE,
  CLI_COMMAND,
  COLLECTOR,
  DESCRIPTOR_REGISTRY,
  HISTORY,
  METRICS,
  asInjectionToken,
} from '@vitals/core';
import type {
  Clock,
  Collector,
  History,
  Plugin,
  PluginContext,
  RegisterContext,
} from '@vitals/core';
import { AppMetrics } from './app/app.metrics';
import { AlertDispatcher } from './alerts/alert.dispatcher';
import { AlertmanagerNotifier } from './alerts/alertmanager.notifier';
import { defaultAlertRules } from './alerts/default.rules';
import { monitorCommand } from './cli/monitor.command';
import { buildCollectors } from './monitor.collectors';
import { SCHEDULER_DESCRIPTORS } from './monitor.metrics';
import { monitorConfigSchema } from './monitor.options';
import type { MonitorConfig, MonitorOptions } from './monitor.options';
import { Monitor } from './monitor.service';
import { MONITOR } from './monitor.tokens';
import { ExhaustionCollector } from './trends/exhaustion.collector';
import { TrendAnalyzer } from './trends/trend.analyzer';

interface HostState {
  readonly monitor: Monitor;
  readonly close: () => void;
  readonly alertmanager?: AlertmanagerNotifier;
}

/**
 * The monitor plugin: system, process and runtime collectors, application timers and
 * time-to-exhaustion on core's Collector token; a scheduler that ticks every collector of the
 * host (the first tick at start); the default alert rules built from `thresholds`; alert
 * callbacks (`onAlert`, webhook, command); trends; and the `vitals monitor` command. Its service
 * is `MONITOR`.
 *
 * @example
 * const host = createHost({ plugins: [monitorPlugin({ intervalMs: '5s' })] });
 * await host.start();
 * host.container.resolve(asInjectionToken(MONITOR)).onAlert((e) => console.log(e.message));
 */
export function monitorPlugin(options: MonitorOptions = {}): Plugin<MonitorConfig> {
  // One entry per host the plugin is registered in (keyed by the host's container).
  const hosts = new WeakMap<DependencyContainer, HostState>();
  return {
    name: 'monitor',
    options: options as Partial<MonitorConfig>,
    configSchema: monitorConfigSchema,
    register(container: DependencyContainer, config: MonitorConfig, ctx: RegisterContext) {
      const history = container.resolve(asInjectionToken(HISTORY));
      const registry = container.resolve(asInjectionToken(DESCRIPTOR_REGISTRY));
      const alerts = container.resolve(asInjectionToken(ALERT_ENGINE));
      // The scheduler's own metrics are published by no collector: declare them here.
      registry.declareAll('monitor', SCHEDULER_DESCRIPTORS);
      const built = buildCollectors(config);
      const app = new AppMetrics(config.app.buckets, (d) => registry.declare('app', d));
      const collectors: Collector[] = [...built.list, app];
      if (config.exhaustion.enabled) {
        collectors.push(
          new ExhaustionCollector(history, ctx.clock, {
            windowMs: config.exhaustion.window,
            maxWindowMs: config.exhaustion.maxWindow,
            minFit: config.exhaustion.minFit,
            pressureRatio: config.exhaustion.pressure,
          }),
        );
      }
      const rules = config.alerts.defaults ? defaultAlertRules(ctx.config.thresholds, config) : [];
      const dispatcher = new AlertDispatcher(ctx.logger, {
        notify: config.alerts.notify,
        webhook: config.alerts.webhook,
        command: config.alerts.command,
      });
      collectors.push(dispatcher);
      const am = config.alerts.alertmanager;
      const alertmanager = am
        ? new AlertmanagerNotifier(
            {
              url: am.url,
              resendIntervalMs: am.resendInterval,
              timeoutMs: am.timeoutMs,
              headers: am.headers,
              generatorURL:
                am.generatorURL ?? `http://${hostname()}:${ctx.config.http.port}/api/alerts`,
            },
            ctx.logger,
            ctx.clock,
          )
        : undefined;
      if (alertmanager) collectors.push(alertmanager);
      for (const c of collectors) container.register(COLLECTOR, { useValue: c });
      const monitor = new Monitor({
        app,
        trends: trendsOf(history, ctx.clock),
        dispatcher,
        alerts,
        rules: [...rules, ...config.alerts.extra],
        scheduler: { intervalMs: config.intervalMs, timeoutMs: config.collectorTimeoutMs },
      });
      container.register(MONITOR, { useValue: monitor });
      container.register(CLI_COMMAND, { useValue: monitorCommand(config) });
      hosts.set(container, { monitor, alertmanager, close: () => built.runtime?.close() });
    },
    start(ctx: PluginContext) {
      const state = hosts.get(ctx.container);
      state?.alertmanager?.start(ctx.host.alerts);
      state?.monitor.start(
        ctx.host.resolveAll<Collector>(COLLECTOR),
        ctx.host.stream,
        ctx.logger,
        ctx.clock,
      );
    },
    async stop(ctx: PluginContext) {
      const state = hosts.get(ctx.container);
      if (!state) return;
      await state.monitor.stop();
      state.alertmanager?.stop();
      await state.alertmanager?.idle();
      state.close();
    },
  };
}

/**
 * The trend analyzer, with History recording from the start what `monitor.trend()` is mostly
 * asked about: the process's memory, CPU and event loop, and the machine's available memory.
 * Any other metric is recorded from its first `trend()` (History keeps only what is asked for).
 */
function trendsOf(history: History, clock: Clock): TrendAnalyzer {
  const trends = new TrendAnalyzer(history, clock);
  trends.watch(
    METRICS.processRssBytes,
    METRICS.processCpuSeconds,
    METRICS.heapUsedBytes,
    METRICS.heapTotalBytes,
    METRICS.externalBytes,
    METRICS.eventLoopLagP99,
    METRICS.eventLoopUtilization,
    METRICS.memAvailableBytes,
  );
  return trends;
}
