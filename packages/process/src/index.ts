export { processPlugin } from './process.plugin';
export type { ProcessOptions } from './process.plugin';
