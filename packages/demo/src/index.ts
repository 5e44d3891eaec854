export { demoPlugin } from './demo.plugin';
export type { DemoOptions } from './demo.plugin';
