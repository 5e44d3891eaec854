// Entry of the local Nx plugin @vitals/tools (resolved through the tsconfig.base.json path alias):
// Nx reads generators.json next to tools/package.json; this file names what the plugin offers.
export { pluginGenerator } from './generators/plugin/plugin.generator';
export type { PluginGeneratorSchema } from './generators/plugin/schema';
