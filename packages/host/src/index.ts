export { main, EXIT_USAGE } from './cli';
export type { CliIo } from './cli';
export { loadPlugins, FIRST_PARTY_PLUGINS } from './plugin.loader';
export type { LoadedPlugin, LoadPluginsOptions } from './plugin.loader';
export { checkConfig } from './commands/config-check.command';
export { startCommand } from './commands/start.command';
export { createLogger } from './host.logger';
