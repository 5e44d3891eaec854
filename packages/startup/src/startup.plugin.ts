import type { MetricDescriptor, Plugin } from '@vitals/core';
import { CLI_COMMAND, HOST, HTTP_ROUTE, METRICS, asInjectionToken } from '@vitals/core';
import { createHealthRoutes } from './health.routes';
import { Readiness } from './readiness';
import { createRunCommand } from './run.command';
import { startupConfigSchema } from './startup.options';
import type { StartupConfig, StartupOptions } from './startup.options';
import { READINESS } from './startup.tokens';
import { SUPERVISOR_DESCRIPTORS } from './supervisor.metrics';

const AGENT_LABELS = ['service', 'pid'];

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
  {
    name: METRICS.eventLoopLagP50,
    help: 'Event-loop delay p50',
    unit: 'seconds',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.eventLoopLagP99,
    help: 'Event-loop delay p99',
    unit: 'seconds',
    type: 'gauge',
    labelNames: AGENT_LABELS,
  },
  {
    name: METRICS.eventLoopLagMax,
    help: 'Event-loop delay max',
    unit: 'seconds',
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
];

/**
 * The startup plugin: the `vitals run` supervisor command, `/health/live` and `/health/ready`, and
 * the {@link READINESS} state that `bootstrap()` drives.
 * @example createHost({ plugins: [startupPlugin({ maxMemory: '512M' })], config: { http: { port: 9477 } } })
 */
export function startupPlugin(options: StartupOptions = {}): Plugin<StartupConfig> {
  return {
    name: 'startup',
    after: ['memory', 'process', 'diagnostics', 'monitor'],
    options: options as Partial<StartupConfig>,
    configSchema: startupConfigSchema,
    register(container, config) {
      const readiness = new Readiness();
      readiness.attach(container.resolve(asInjectionToken(HOST)));
      container.register(asInjectionToken(READINESS), { useValue: readiness });
      if (config.health) {
        for (const route of createHealthRoutes(readiness))
          container.register(asInjectionToken(HTTP_ROUTE), { useValue: route });
      }
      container.register(asInjectionToken(CLI_COMMAND), {
        useValue: createRunCommand(config, container),
      });
    },
    start({ host }) {
      host.descriptors.declareAll('startup', SUPERVISOR_DESCRIPTORS);
      // The agent reuses well-known names; whoever else declared one (monitor, memory) owns it.
      for (const d of AGENT_DESCRIPTORS)
        if (!host.descriptors.get(d.name)) host.descriptors.declare('startup', d);
    },
  };
}
