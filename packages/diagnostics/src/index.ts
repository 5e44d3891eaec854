export { diagnosticsPlugin } from './diagnostics.plugin';
export type { DiagnosticsOptions } from './diagnostics.plugin';
