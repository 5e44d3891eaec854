export { monitorPlugin } from './monitor.plugin';
export type { MonitorOptions } from './monitor.plugin';
