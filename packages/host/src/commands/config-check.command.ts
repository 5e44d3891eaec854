import {
  createHost,
  createNoopLogger,
  loadConfig,
  validateConfig,
  isVitalsError,
} from '@vitals/core';
import type { Writable } from 'node:stream';
import { logFormatProblem } from '../host.logger';
import { configuredPlugins, loadPlugins } from '../plugin.loader';

/** Inputs of {@link checkConfig}. */
export interface ConfigCheckInput {
  readonly file?: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Writable;
}

/**
 * `vitals config check [file]`: validates a configuration against core and every plugin it names
 * (or every installed one) and prints each problem on one line. A clean file is then registered
 * in a host that is never started, so what `vitals start` refuses when the plugins register (an
 * override of an alert rule that does not exist) is refused here too. Returns 1 when anything is
 * wrong (unknown keys included), 0 when the file is clean.
 */
export async function checkConfig(input: ConfigCheckInput): Promise<number> {
  const out = (line: string) => input.stdout.write(line + '\n');
  // Not config, but every other command refuses it (exit 64): so does the check.
  const format = logFormatProblem(input.env['VITALS_LOG_FORMAT']);
  if (format !== undefined) out(format);
  try {
    const loaded = loadConfig({ file: input.file, cwd: input.cwd, env: input.env });
    const plugins = loadPlugins(configuredPlugins(loaded), {
      cwd: input.cwd,
    });
    const result = validateConfig(
      loaded,
      plugins.map(({ plugin }) => ({
        name: plugin.name,
        schema: plugin.configSchema,
        defaults: plugin.options,
      })),
    );
    const label = loaded.file ?? 'no config file (defaults and VITALS_* variables)';
    if (result.problems.length === 0) {
      const host = createHost({
        plugins: plugins.map((p) => p.plugin),
        config: loaded,
        logger: createNoopLogger(),
        env: input.env,
      });
      await host.stop('config check');
      if (format !== undefined) return 1;
      out(`${label}: ok (plugins: ${plugins.map((p) => p.plugin.name).join(', ') || 'none'})`);
      return 0;
    }
    for (const problem of result.problems) {
      out(`${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}`);
    }
    return 1;
  } catch (error) {
    if (isVitalsError(error)) {
      out(error.message);
      return 1;
    }
    throw error;
  }
}
