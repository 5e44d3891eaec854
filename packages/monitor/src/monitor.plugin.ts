import type { Plugin } from '@vitals/core';

/** Options of the monitor plugin. */
export interface MonitorOptions {}

/**
 * The monitor plugin.
 * @example createHost({ plugins: [monitorPlugin()] })
 */
export function monitorPlugin(options: MonitorOptions = {}): Plugin<MonitorOptions> {
  return {
    name: 'monitor',
    options,
    register() {
      // Register collectors, checks and commands here.
    },
  };
}
