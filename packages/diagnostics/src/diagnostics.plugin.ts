import { CLI_COMMAND, DIAGNOSTICS, HEALTH_CHECK, HOST, systemClock } from '@vitals/core';
import type { DiagnosticsService, HealthCheck, HostHandle, Plugin } from '@vitals/core';
import { createCheckContext } from './check-context.factory';
import { builtinChecks } from './checks/builtin.checks';
import { diagnoseCommand } from './diagnose.command';
import { diagnosticsConfigSchema } from './diagnostics.options';
import type { DiagnosticsConfig, DiagnosticsOptions } from './diagnostics.options';
import { markBuiltin, runDiagnostics } from './diagnostics.runner';

/**
 * The diagnostics plugin: registers the built-in health checks on HEALTH_CHECK (so any consumer
 * of checks sees them), the `diagnose` CLI command, and a `DiagnosticsService` under DIAGNOSTICS
 * (startup runs it before starting a service).
 * @example createHost({ plugins: [diagnosticsPlugin()], env: process.env })
 */
export function diagnosticsPlugin(options: DiagnosticsOptions = {}): Plugin<DiagnosticsConfig> {
  return {
    name: 'diagnostics',
    options: options as Partial<DiagnosticsConfig>,
    configSchema: diagnosticsConfigSchema,
    register(container, config, ctx) {
      // The environment: an explicit `env` option wins, else the one the host was given.
      const env = config.env ?? (Object.keys(ctx.env).length > 0 ? ctx.env : undefined);
      // One context per call: thresholds and env as configured, this process, no samples.
      const context = () =>
        createCheckContext({
          options: { ...config, env },
          config: ctx.config,
          clock: ctx.clock ?? systemClock,
        });
      builtinChecks(context()).forEach((template, i) => {
        const check: HealthCheck = {
          name: template.name,
          area: template.area,
          run: (snapshot) => builtinChecks(context())[i].run(snapshot),
        };
        container.register(HEALTH_CHECK, { useValue: markBuiltin(check) });
      });
      container.register(CLI_COMMAND, { useValue: diagnoseCommand(config) });
      const service: DiagnosticsService = {
        run: (runOptions) =>
          runDiagnostics(container.resolve<HostHandle>(HOST), {
            pid: runOptions?.pid,
            env,
            options: { ...config, env },
          }),
      };
      container.register(DIAGNOSTICS, { useValue: service });
    },
  };
}
