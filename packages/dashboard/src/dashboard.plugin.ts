import type { Plugin } from '@vitals/core';

/** Options of the dashboard plugin. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-empty-interface -- options come as the plugin grows
export interface DashboardOptions {}

/**
 * The dashboard plugin.
 * @example createHost({ plugins: [dashboardPlugin()] })
 */
export function dashboardPlugin(options: DashboardOptions = {}): Plugin<DashboardOptions> {
  return {
    name: 'dashboard',
    options,
    register() {
      // Register collectors, checks and commands here.
    },
  };
}
