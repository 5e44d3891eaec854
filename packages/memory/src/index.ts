export { memoryPlugin } from './memory.plugin';
export type { MemoryOptions } from './memory.plugin';
