export { dashboardPlugin } from './dashboard.plugin';
export { dashboardConfigSchema } from './dashboard.options';
export type { DashboardOptions, DashboardConfig } from './dashboard.options';
export { CHART_SERIES } from './server/dashboard.series';
export { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './server/security.headers';
export { parseSelector } from './server/series.selector';
export type { SeriesSelector } from './server/series.selector';
export { EventHub } from './server/event.hub';
export type { TickMessage, TickSample, EventHubOptions, EventHubSource } from './server/event.hub';
export type {
  ServiceView,
  LeakView,
  ProcessRow,
  ProfileRow,
  AlertsView,
  TablesView,
} from './server/view.model';
export { histogramQuantile } from './shared/histogram-quantile';
export type { Bucket } from './shared/histogram-quantile';
