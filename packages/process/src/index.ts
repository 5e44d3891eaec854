export { processPlugin } from './process.plugin';
export { processConfigSchema, defaultLockDir } from './process.options';
export type { ProcessConfig, ProcessOptions } from './process.options';
export { processErrors } from './process.errors';
export type { ProcessErrorCode } from './process.errors';

export { readProcessTable, processCwd, processOwnerUid } from './table/process.table';
export type { ProcessInfo, ProcessTableOptions } from './table/process.table';
export { sampleCpuPercent } from './table/cpu.sampler';

export { normalizeCommand } from './duplicates/command.normalizer';
export type { NormalizedCommand } from './duplicates/command.normalizer';
export { findDuplicateGroups, countSurplus } from './duplicates/duplicate.finder';
export type { DuplicateGroup, FindDuplicatesOptions } from './duplicates/duplicate.finder';
export { duplicatesInScope } from './duplicates/duplicate.scope';
export type { DuplicateScope, DuplicateScopeOptions } from './duplicates/duplicate.scope';
export { createDuplicatesCollector } from './duplicates/duplicates.collector';
export type { DuplicatesCollectorOptions } from './duplicates/duplicates.collector';
export { createDuplicatesCheck } from './duplicates/duplicates.check';

export { terminateProcesses } from './kill/process.terminator';
export type { TerminateOptions, TerminationOutcome } from './kill/process.terminator';
export { refuse, ancestorsOf, isSameProcessAlive } from './kill/process.guard';
export type { ProcessTarget, RefusalReason, GuardContext } from './kill/process.guard';
export { planKills } from './kill/kill.plan';
export type { KeepPolicy, KillPlan } from './kill/kill.plan';

export { acquireInstanceLock } from './lock/instance.lock';
export type { AcquireLockOptions } from './lock/instance.lock';
export { createInstanceLockService } from './lock/instance-lock.service';
export type { TrackingLockService } from './lock/instance-lock.service';
export type { LockRecord } from './lock/lock.record';

export { SystemctlClient } from './systemd/systemctl.client';
export type { SystemctlOptions, UnitStatus } from './systemd/systemctl.client';
export { parseUnitsJson, parsePlainUnits, parseShow } from './systemd/systemctl.parser';
export type { UnitRow } from './systemd/systemctl.parser';

export { auditPermissions, formatMode } from './perms/permission.auditor';
export type {
  PermissionProblem,
  AuditPaths,
  AuditOptions,
  PathKind,
} from './perms/permission.auditor';
export { fixPermissions, fixableProblems } from './perms/permission.fixer';
export type { PermissionFix, FixableProblem } from './perms/permission.fixer';

export { createPsCommand } from './cli/ps.command';
export { createKillDuplicatesCommand } from './cli/kill-duplicates.command';
export { createServicesCommand } from './cli/services.command';
export { createPermsCommand } from './cli/perms.command';
export type { CommandDeps } from './cli/command.deps';
