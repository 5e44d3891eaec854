export { startupPlugin } from './startup.plugin';
export { startupConfigSchema } from './startup.options';
export type { StartupConfig, StartupOptions } from './startup.options';
export { READINESS } from './startup.tokens';
export { Readiness } from './readiness';
export type { ReadinessReport } from './readiness';
export { createHealthRoutes } from './health.routes';
export { Supervisor } from './supervisor';
export { exitCodeOf, resolveChildCommand, defaultServiceName } from './child.command';
export type { ChildCommand } from './child.command';
export type { SupervisorOptions, SupervisorDeps, SupervisorEvent } from './supervisor.options';
export { RestartPolicy } from './restart.policy';
export type { RestartPolicyOptions, RestartDecision } from './restart.policy';
export { MemoryWatch } from './memory.watch';
export type { MemoryVerdict } from './memory.watch';
export { SUPERVISOR_METRICS, SUPERVISOR_DESCRIPTORS } from './supervisor.metrics';
export {
  AGENT_PATH,
  AGENT_SOURCE,
  AGENT_GC_SOURCE,
  AGENT_MEASURED_GC_SOURCE,
  parseAgentMessage,
  agentBatch,
  gcBatch,
} from './agent.channel';
export type { AgentMessage, AgentGcPoint, AgentSnapshotReply } from './agent.channel';
export { readChildFigures, readProcessTree, readRssBytes } from './process.tree';
export type { ChildFigures, TreeProcess } from './process.tree';
export { defaultHangTimeoutMs } from './child.runner';
export { DEFAULT_SNAPSHOT_MAX_HEAP_BYTES, DEFAULT_SNAPSHOT_TIMEOUT_MS } from './supervisor';
export { mergeNodeOptions, splitNodeOptions } from './node-options';
export { SystemdNotifier } from './systemd.notifier';
export type { SystemdNotifierOptions, NotifyExec } from './systemd.notifier';
export { RotatingFileStream } from './rotating-file.stream';
export type { RotatingFileOptions } from './rotating-file.stream';
export { createRunCommand } from './run.command';
export { bootstrap, EXIT_CODES } from './bootstrap';
export type {
  BootstrapOptions,
  BootstrapContext,
  Bootstrapped,
  BootstrapProcess,
} from './bootstrap';
export { startupError } from './startup.errors';
export type { StartupErrorCode } from './startup.errors';
