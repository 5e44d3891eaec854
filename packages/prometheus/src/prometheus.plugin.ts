import type { Plugin } from '@vitals/core';

/** Options of the prometheus plugin. */
export interface PrometheusOptions {}

/**
 * The prometheus plugin.
 * @example createHost({ plugins: [prometheusPlugin()] })
 */
export function prometheusPlugin(options: PrometheusOptions = {}): Plugin<PrometheusOptions> {
  return {
    name: 'prometheus',
    options,
    register() {
      // Register collectors, checks and commands here.
    },
  };
}
