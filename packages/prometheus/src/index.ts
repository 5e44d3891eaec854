export { prometheusPlugin, prometheusConfigSchema } from './prometheus.plugin';
export type { PrometheusOptions, PrometheusConfig } from './prometheus.plugin';
export {
  renderExposition,
  escapeLabelValue,
  escapeHelp,
  sanitizeName,
  formatValue,
  EXPOSITION_CONTENT_TYPE,
  OPENMETRICS_CONTENT_TYPE,
} from './exposition.renderer';
export type { DescriptorLookup, RenderOptions } from './exposition.renderer';
export { metricsRoute, alertSeries, ALERT_METRICS } from './metrics.route';
export { compressFor, negotiate } from './content.negotiation';
export type { Compression, Negotiated } from './content.negotiation';
export type { MetricsSource } from './metrics.route';
export { rulesExportCommand } from './rules.command';
export {
  toPrometheusRule,
  toPrometheusRules,
  prometheusRulesYaml,
  promDuration,
  selector,
} from './rules.export';
export type { PrometheusAlertingRule, PrometheusRuleFile, RuleExportOptions } from './rules.export';
