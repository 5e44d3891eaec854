export { prometheusPlugin } from './prometheus.plugin';
export type { PrometheusOptions } from './prometheus.plugin';
