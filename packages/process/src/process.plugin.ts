import type { Plugin } from '@vitals/core';

/** Options of the process plugin. */
export interface ProcessOptions {}

/**
 * The process plugin.
 * @example createHost({ plugins: [processPlugin()] })
 */
export function processPlugin(options: ProcessOptions = {}): Plugin<ProcessOptions> {
  return {
    name: 'process',
    options,
    register() {
      // Register collectors, checks and commands here.
    },
  };
}
