import { VitalsError } from '../errors';
import type { Plugin } from './plugin.types';

/**
 * Orders plugins so that each starts after what it `dependsOn` (required) and `after` (when
 * present), keeping the given order otherwise. Duplicate names, a missing dependency and a cycle
 * are one-line errors.
 */
export function orderPlugins(plugins: readonly Plugin<unknown>[]): Plugin<unknown>[] {
  const byName = new Map<string, Plugin<unknown>>();
  for (const plugin of plugins) {
    if (!plugin || typeof plugin.name !== 'string' || typeof plugin.register !== 'function') {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        'every plugin needs a name and a register() function; did you pass the factory instead of calling it?',
      );
    }
    if (byName.has(plugin.name)) {
      throw new VitalsError(
        'ERR_PLUGIN_DUPLICATE',
        `plugin "${plugin.name}" is listed twice; keep one`,
      );
    }
    byName.set(plugin.name, plugin);
  }
  for (const plugin of plugins) {
    for (const dep of plugin.dependsOn ?? []) {
      if (!byName.has(dep)) {
        throw new VitalsError(
          'ERR_PLUGIN_DEPENDENCY',
          `plugin "${plugin.name}" depends on "${dep}", which is not in this host; add ${dep} to the plugins`,
        );
      }
    }
  }
  const ordered: Plugin<unknown>[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (plugin: Plugin<unknown>, trail: string[]) => {
    const s = state.get(plugin.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(plugin.name)), plugin.name].join(' -> ');
      throw new VitalsError(
        'ERR_PLUGIN_DEPENDENCY',
        `plugins depend on each other in a cycle: ${cycle}`,
      );
    }
    state.set(plugin.name, 'visiting');
    const before = [...(plugin.dependsOn ?? []), ...(plugin.after ?? [])];
    for (const name of before) {
      const dep = byName.get(name);
      if (dep) visit(dep, [...trail, plugin.name]);
    }
    state.set(plugin.name, 'done');
    ordered.push(plugin);
  };
  for (const plugin of plugins) visit(plugin, []);
  return ordered;
}
