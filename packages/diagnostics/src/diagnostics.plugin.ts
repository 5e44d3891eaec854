import {
  CLI_COMMAND,
  DIAGNOSTICS,
  HEALTH_CHECK,
  HOST,
  VitalsError,
  systemClock,
} from '@vitals/core';
import type { DiagnosticsService, HealthCheck, HostHandle, Plugin } from '@vitals/core';
import { createCheckContext } from './check-context.factory';
import { builtinChecks } from './checks/builtin.checks';
import { diagnoseCommand } from './diagnose.command';
import { diagnosticsConfigSchema } from './diagnostics.options';
import type { DiagnosticsConfig, DiagnosticsOptions } from './diagnostics.options';
import { markBuiltin, runDiagnostics } from './diagnostics.runner';

/**
 * A copy of an environment as a plain record of its string values: `process.env` (an exotic
 * object that schema validators do not take for a record), or any object whose values are
 * strings or undefined; other values are left out. Never echoes the environment in an error: it
 * holds secrets.
 * @throws VitalsError ERR_CONFIG_INVALID when `env` is not an object.
 * @example toEnvRecord(process.env).NODE_ENV
 */
export function toEnvRecord(env: unknown): Record<string, string> {
  if (env === null || typeof env !== 'object' || Array.isArray(env)) {
    throw new VitalsError(
      'ERR_CONFIG_INVALID',
      `diagnostics: env must be an object of environment variables such as process.env (got ${Array.isArray(env) ? 'an array' : env === null ? 'null' : `a ${typeof env}`})`,
    );
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/**
 * The diagnostics plugin: registers the built-in health checks on HEALTH_CHECK (so any consumer
 * of checks sees them), the `diagnose` CLI command, and a `DiagnosticsService` under DIAGNOSTICS
 * (startup runs it before starting a service).
 * `options.env` takes `process.env` as it is (see {@link toEnvRecord}).
 * @example createHost({ plugins: [diagnosticsPlugin({ env: process.env })] })
 */
export function diagnosticsPlugin(options: DiagnosticsOptions = {}): Plugin<DiagnosticsConfig> {
  const own = options.env === undefined ? options : { ...options, env: toEnvRecord(options.env) };
  return {
    name: 'diagnostics',
    options: own as Partial<DiagnosticsConfig>,
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
