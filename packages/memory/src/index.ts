export { memoryPlugin } from './memory.plugin';
export type { MemoryOptions } from './memory.plugin';
export { LeakDetector } from './leak/leak.detector';
export type { LeakDetectorOptions, LeakAssessment } from './leak/leak.detector';
export { theilSen } from './leak/theil-sen';
export type { RobustFit } from './leak/theil-sen';
