import type { Plugin } from '@vitals/core';

/** Options of the memory plugin. */
export interface MemoryOptions {}

/**
 * The memory plugin.
 * @example createHost({ plugins: [memoryPlugin()] })
 */
export function memoryPlugin(options: MemoryOptions = {}): Plugin<MemoryOptions> {
  return {
    name: 'memory',
    options,
    register() {
      // Register collectors, checks and commands here.
    },
  };
}
