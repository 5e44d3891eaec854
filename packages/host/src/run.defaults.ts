import type { LoadedConfig } from '@vitals/core';

/**
 * Config defaults for `vitals run`: the monitor's `process` and `runtime` collectors describe the
 * process they run in, which under `vitals run` is the supervisor, not the service (the service's
 * figures come from its agent and from `/proc/<child>`, labelled `{service}`): by default they are
 * off there, so the supervisor neither pays for them nor exports its own figures where the
 * service's are expected. A config file or `VITALS_MONITOR__PROCESS`/`__RUNTIME` that sets either
 * key wins, and so does `monitor.pid` (the process collector then watches that pid). Only applied
 * when the monitor plugin is loaded; any other command gets `loaded` back unchanged.
 *
 * @example supervisorDefaults('run', loaded, ['monitor', 'startup']).values.monitor // { process: false, runtime: false }
 */
export function supervisorDefaults(
  command: string | undefined,
  loaded: LoadedConfig,
  plugins: readonly string[],
): LoadedConfig {
  if (command !== 'run' || !plugins.includes('monitor')) return loaded;
  const section = loaded.values['monitor'];
  if (section !== undefined && (typeof section !== 'object' || section === null)) return loaded;
  const monitor = (section ?? {}) as Record<string, unknown>;
  const process = monitor['process'] ?? (monitor['pid'] === undefined ? false : undefined);
  const runtime = monitor['runtime'] ?? false;
  return {
    ...loaded,
    values: {
      ...loaded.values,
      monitor: { ...monitor, ...(process === undefined ? {} : { process }), runtime },
    },
  };
}
