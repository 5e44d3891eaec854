export { prometheusPlugin, prometheusConfigSchema } from './prometheus.plugin';
export type { PrometheusOptions, PrometheusConfig } from './prometheus.plugin';
export {
  renderExposition,
  escapeLabelValue,
  escapeHelp,
  sanitizeName,
  formatValue,
  EXPOSITION_CONTENT_TYPE,
} from './exposition.renderer';
export type { DescriptorLookup, RenderOptions } from './exposition.renderer';
export { metricsRoute } from './metrics.route';
export type { MetricsSource } from './metrics.route';
