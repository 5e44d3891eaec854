export { diagnosticsPlugin, toEnvRecord } from './diagnostics.plugin';
export { diagnosticsConfigSchema, DIAGNOSTICS_DEFAULTS } from './diagnostics.options';
export type { DiagnosticsConfig, DiagnosticsOptions } from './diagnostics.options';
export { diagnosticsError } from './diagnostics.errors';
export type { DiagnosticsErrorCode } from './diagnostics.errors';
export { runDiagnostics } from './diagnostics.runner';
export type { DiagnosisReport, RunDiagnosticsOptions } from './diagnostics.runner';
export { diagnoseCommand, EXIT_USAGE } from './diagnose.command';
export { formatReport, AREA_ORDER } from './report.format';
export { toJsonReport, exitCodeOf, REPORT_SCHEMA_VERSION } from './report.json';
export type { JsonReport, JsonFinding } from './report.json';
export { builtinChecks } from './checks/builtin.checks';
export { finding, envNotSupplied } from './check.context';
export type { CheckContext, FindingParts, FsStats } from './check.context';
export {
  criticalRatio,
  criticalAbsolute,
  gradeRatio,
  gradeAbsolute,
  grade,
  gradeAgainstLimit,
  worse,
} from './severity.rules';
export type { Graded } from './severity.rules';
export { memoryBudget, suggestedHeapMb } from './checks/memory.budget';
export type { MemoryBudget } from './checks/memory.budget';
export { NODE_EOL } from './checks/node-eol.table';
export { parseNodeOptions } from './checks/node-options.check';
export { THROTTLED_WARNING_RATIO } from './checks/cpu-quota.check';
