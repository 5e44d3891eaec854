export { startupPlugin } from './startup.plugin';
export type { StartupOptions } from './startup.plugin';
