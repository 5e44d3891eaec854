import type { MetricDescriptor, Plugin } from '@vitals/core';
import {
  CLI_COMMAND,
  HOST,
  HTTP_ROUTE,
  METRICS,
  SERVICE_REGISTRY,
  asInjectionToken,
  describeError,
} from '@vitals/core';
import { createHealthRoutes } from './health.routes';
import { Readiness } from './readiness';
import { createRunCommand } from './run.command';
import { SupervisorRegistry } from './service.registry';
import { startupConfigSchema } from './startup.options';
import type { StartupConfig, StartupOptions } from './startup.options';
import { FINAL_STEPS, READINESS } from './startup.tokens';
import type { FinalSteps } from './startup.tokens';
import { SUPERVISOR_DESCRIPTORS } from './supervisor.metrics';

const AGENT_LABELS = ['service'];

/** Declarations for the agent's metrics, used only where no other plugin declared the name. */
const AGENT_DESCRIPTORS: readonly MetricDescriptor[] = [
  {
    name: METRICS.heapUsedBytes,
    help: 'V8 heap used',
    unit: 'bytes',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.heapTotalBytes,
    help: 'V8 heap total',
    unit: 'bytes',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.externalBytes,
    help: 'Memory of C++ objects bound to JS',
    unit: 'bytes',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.arrayBuffersBytes,
    help: 'Memory of ArrayBuffers and Buffers',
    unit: 'bytes',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.heapLimitBytes,
    help: 'V8 heap size limit',
    unit: 'bytes',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.eventLoopUtilization,
    help: 'Event-loop utilisation',
    unit: 'ratio',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  ...(
    [
      [METRICS.eventLoopLagMin, 'min'],
      [METRICS.eventLoopLagMean, 'mean'],
      [METRICS.eventLoopLagP50, 'p50'],
      [METRICS.eventLoopLagP90, 'p90'],
      [METRICS.eventLoopLagP99, 'p99'],
      [METRICS.eventLoopLagMax, 'max'],
    ] as const
  ).map(([name, what]): MetricDescriptor => ({
    name,
    help: `Event-loop delay ${what} over the last report interval`,
    unit: 'seconds',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  })),
  {
    name: METRICS.eventLoopDelay,
    help: 'Event-loop delay samples (how late each 50 ms timer fired; see the startup README)',
    unit: 'seconds',
    type: 'histogram',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.eventLoopDelaySampling,
    help: '1 while the agent samples the event-loop delay, 0 while the loop is quiet and it does not',
    unit: 'count',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.gcDuration,
    help: 'GC pause durations',
    unit: 'seconds',
    type: 'histogram',
    labelNames: [...AGENT_LABELS, 'kind'],
  },
  {
    name: METRICS.processRssBytes,
    help: 'Resident set size',
    unit: 'bytes',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.processCpuSeconds,
    help: 'Total user and system CPU time spent in seconds',
    unit: 'seconds',
    type: 'counter',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.processStartTimeSeconds,
    help: 'Start time of the process since unix epoch in seconds',
    unit: 'seconds',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.heapAfterGcBytes,
    help: 'V8 heap used right after a major GC',
    unit: 'bytes',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.externalAfterGcBytes,
    help: 'External and array-buffer memory right after a major GC',
    unit: 'bytes',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
];

/**
 * The startup plugin: the `vitals run` supervisor command, `/health/live` and `/health/ready`, and
 * the {@link READINESS} state that `bootstrap()` drives.
 * @example createHost({ plugins: [startupPlugin({ maxMemory: '512M' })], config: { http: { port: 9477 } } })
 */
export function startupPlugin(options: StartupOptions = {}): Plugin<StartupConfig> {
  const finalSteps: { name: string; step: () => Promise<void> }[] = [];
  const steps: FinalSteps = { add: (name, step) => finalSteps.push({ name, step }) };
  return {
    name: 'startup',
    after: ['memory', 'process', 'diagnostics', 'monitor'],
    options: options as Partial<StartupConfig>,
    configSchema: startupConfigSchema,
    register(container, config) {
      const readiness = new Readiness();
      readiness.attach(container.resolve(asInjectionToken(HOST)));
      container.register(asInjectionToken(READINESS), { useValue: readiness });
      container.register(asInjectionToken(FINAL_STEPS), { useValue: steps });
      const registry = new SupervisorRegistry();
      container.register(asInjectionToken(SERVICE_REGISTRY), { useValue: registry });
      if (config.health) {
        for (const route of createHealthRoutes(readiness))
          container.register(asInjectionToken(HTTP_ROUTE), { useValue: route });
      }
      container.register(asInjectionToken(CLI_COMMAND), {
        useValue: createRunCommand(config, container, registry),
      });
    },
    start({ host }) {
      host.descriptors.declareAll('startup', SUPERVISOR_DESCRIPTORS);
      // The agent reuses well-known names; whoever else declared one (monitor, memory) owns it.
      for (const d of AGENT_DESCRIPTORS)
        if (!host.descriptors.get(d.name)) host.descriptors.declare('startup', d);
    },
    async stop({ logger }) {
      for (const { name, step } of finalSteps.splice(0)) {
        try {
          await step();
        } catch (error) {
          logger.warn({ err: describeError(error) }, `${name} failed`);
        }
      }
    },
  };
}
