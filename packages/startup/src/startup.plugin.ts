import type { Plugin } from '@vitals/core';

/** Options of the startup plugin. */
export interface StartupOptions {}

/**
 * The startup plugin.
 * @example createHost({ plugins: [startupPlugin()] })
 */
export function startupPlugin(options: StartupOptions = {}): Plugin<StartupOptions> {
  return {
    name: 'startup',
    options,
    register() {
      // Register collectors, checks and commands here.
    },
  };
}
