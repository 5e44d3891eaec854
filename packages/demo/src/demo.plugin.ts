import type { Plugin } from '@vitals/core';

/** Options of the demo plugin. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-empty-interface -- options come as the plugin grows
export interface DemoOptions {}

/**
 * The demo plugin.
 * @example createHost({ plugins: [demoPlugin()] })
 */
export function demoPlugin(options: DemoOptions = {}): Plugin<DemoOptions> {
  return {
    name: 'demo',
    options,
    register() {
      // Register collectors, checks and commands here.
    },
  };
}
