import * as path from 'node:path';
import { VitalsError, validateConfig, type LoadedConfig, type Plugin } from '@vitals/core';

/** First-party plugins the host looks for when config names none. */
export const FIRST_PARTY_PLUGINS = [
  'monitor',
  'memory',
  'process',
  'diagnostics',
  'prometheus',
  'startup',
  'dashboard',
  // Private, present only in the Vitals workspace: contributes `vitals demo`.
  'demo',
] as const;

/** Where a plugin came from. */
export interface LoadedPlugin {
  readonly id: string;
  readonly module: string;
  readonly plugin: Plugin<unknown>;
}

/** Options of {@link loadPlugins}. */
export interface LoadPluginsOptions {
  /** Resolves relative plugin paths. */
  readonly cwd: string;
  /** The `require` to load with (tests pass their own). @default this module's require */
  readonly requireFn?: (id: string) => unknown;
}

function moduleName(id: string, cwd: string): string {
  if (id.startsWith('.') || path.isAbsolute(id)) return path.resolve(cwd, id);
  if (id.startsWith('@') || id.includes('/')) return id;
  return `@vitals/${id}`;
}

function factoryName(moduleId: string): string {
  const base = path
    .basename(moduleId)
    .replace(/\.(c?js|ts)$/, '')
    .replace(/^vitals-/, '');
  return base.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()) + 'Plugin';
}

function isMissing(error: unknown, moduleId: string): boolean {
  const e = error as NodeJS.ErrnoException;
  return (
    e?.code === 'MODULE_NOT_FOUND' &&
    typeof e.message === 'string' &&
    e.message.includes(`'${moduleId}'`)
  );
}

/**
 * Loads plugins by name. A name is a first-party short name (`monitor` → `@vitals/monitor`), a
 * package (`@acme/vitals-queue`) or a path (`./plugins/queue.js`). The module must export a factory
 * named `<name>Plugin` (`monitorPlugin`, `queuePlugin`), `default` or `plugin`; it is called with no
 * options (the config file's section configures it). With no names, every installed first-party
 * plugin is loaded and missing ones are skipped; a listed plugin that is missing is an error.
 */
export function loadPlugins(
  names: readonly string[] | undefined,
  options: LoadPluginsOptions,
): LoadedPlugin[] {
  const requireFn = options.requireFn ?? require;
  const explicit = names !== undefined;
  const loaded: LoadedPlugin[] = [];
  for (const id of names ?? FIRST_PARTY_PLUGINS) {
    const moduleId = moduleName(id, options.cwd);
    let mod: Record<string, unknown>;
    try {
      mod = requireFn(moduleId) as Record<string, unknown>;
    } catch (error) {
      if (isMissing(error, moduleId)) {
        if (!explicit) continue;
        throw new VitalsError(
          'ERR_PLUGIN_NOT_FOUND',
          `plugin "${id}" is not installed (no module ${moduleId}); run npm install ${moduleId} or remove it from "plugins"`,
          { cause: error },
        );
      }
      const message = (error as Error)?.message ?? String(error);
      if (/valid "main" entry|Cannot find module '.*[\\/]dist[\\/]/.test(message)) {
        throw new VitalsError(
          'ERR_PLUGIN_NOT_FOUND',
          `plugin "${id}" is installed but not built (its dist is missing); run npm run build in the workspace`,
          { cause: error },
        );
      }
      throw new VitalsError(
        'ERR_PLUGIN_NOT_FOUND',
        `plugin "${id}" failed to load: ${message.split('\n')[0]}`,
        { cause: error },
      );
    }
    const factory = mod[factoryName(moduleId)] ?? mod['default'] ?? mod['plugin'];
    if (typeof factory !== 'function') {
      throw new VitalsError(
        'ERR_PLUGIN_NOT_FOUND',
        `module ${moduleId} exports no plugin factory; export ${factoryName(moduleId)}(), default or plugin`,
      );
    }
    loaded.push({ id, module: moduleId, plugin: factory() as Plugin<unknown> });
  }
  return loaded;
}

/**
 * The config's `plugins` list, checked before any plugin loads (validation of the whole config
 * needs the plugins' schemas, so it comes later): a value that is not a list of names (`5`, a
 * string in the file, `[5]` from `VITALS_PLUGINS`) is bad input, ERR_CONFIG_INVALID worded as
 * core's validation words it, not a TypeError from iterating it. Undefined when none is set.
 * @throws VitalsError `ERR_CONFIG_INVALID` naming the file or variable, one line per problem.
 */
export function configuredPlugins(loaded: LoadedConfig): string[] | undefined {
  const names = loaded.values['plugins'];
  if (names === undefined) return undefined;
  if (Array.isArray(names) && names.every((n) => typeof n === 'string')) return names;
  const { problems } = validateConfig({ ...loaded, values: { plugins: names } }, []);
  const errors = problems.filter((p) => p.severity === 'error').map((p) => p.message);
  throw new VitalsError(
    'ERR_CONFIG_INVALID',
    errors.length > 0 ? errors.join('\n') : 'plugins must be a list of plugin package names',
  );
}
