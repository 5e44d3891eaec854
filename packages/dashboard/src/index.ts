export { dashboardPlugin } from './dashboard.plugin';
export type { DashboardOptions } from './dashboard.plugin';
