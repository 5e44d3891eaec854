import type { Plugin } from '@vitals/core';

/** Options of the diagnostics plugin. */
export interface DiagnosticsOptions {}

/**
 * The diagnostics plugin.
 * @example createHost({ plugins: [diagnosticsPlugin()] })
 */
export function diagnosticsPlugin(options: DiagnosticsOptions = {}): Plugin<DiagnosticsOptions> {
  return {
    name: 'diagnostics',
    options,
    register() {
      // Register collectors, checks and commands here.
    },
  };
}
