import { createToken } from './tokens';
import type { Finding, Severity } from './health/health.types';

/*
 * Services one plugin provides and another uses. Plugins never import each other: the provider
 * registers an implementation under one of these tokens, the user resolves it when present
 * (`container.isRegistered(TOKEN, true)`), and does without it otherwise.
 */

/** A held single-instance lock. */
export interface InstanceLock {
  readonly name: string;
  /** The lock file. */
  readonly path: string;
  readonly pid: number;
  /** Removes the lock file if this process still holds it. Idempotent. */
  release(): void;
}

/** Provided by @vitals/process: `acquireInstanceLock(name)`. */
export interface InstanceLockService {
  /**
   * Takes the lock for `name`, taking over a stale one (dead holder or reused pid); throws
   * VitalsError `ERR_INSTANCE_LOCKED` naming the holder's pid when another live process holds it.
   */
  acquire(name: string, options?: { dir?: string; pid?: number }): InstanceLock;
}

/** V8 tuning profiles. */
export type V8Profile = 'container' | 'throughput' | 'low-memory';

/** NODE_OPTIONS flags a profile recommends, with why. */
export interface FlagRecommendation {
  readonly profile: V8Profile;
  /** e.g. `['--max-old-space-size=1536', '--max-semi-space-size=16']`. */
  readonly flags: readonly string[];
  /** One line per flag: why this value. */
  readonly reasons: readonly string[];
}

/** Provided by @vitals/memory. */
export interface V8Tuner {
  recommendFlags(
    profile: V8Profile,
    options?: { memoryLimitBytes?: number; totalMemoryBytes?: number },
  ): FlagRecommendation;
}

/** One step of an emergency cleanup. */
export interface CleanupStep {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly durationMs: number;
}

/** Provided by @vitals/memory: caches cleared, GC forced, optional heap snapshot. */
export interface MemoryCleanupService {
  emergencyCleanup(options?: { heapSnapshot?: boolean }): Promise<readonly CleanupStep[]>;
}

/** A diagnostics report. */
export interface DiagnosticsReport {
  readonly at: number;
  readonly severity: Severity;
  readonly findings: readonly Finding[];
  readonly durationMs: number;
}

/** Provided by @vitals/diagnostics: one collection, every check, one report. */
export interface DiagnosticsService {
  run(options?: { pid?: number }): Promise<DiagnosticsReport>;
}

/** See {@link InstanceLockService}. */
export const INSTANCE_LOCK = createToken<InstanceLockService>('@vitals/core:InstanceLockService');
/** See {@link V8Tuner}. */
export const V8_TUNER = createToken<V8Tuner>('@vitals/core:V8Tuner');
/** See {@link MemoryCleanupService}. */
export const MEMORY_CLEANUP = createToken<MemoryCleanupService>(
  '@vitals/core:MemoryCleanupService',
);
/** See {@link DiagnosticsService}. */
export const DIAGNOSTICS = createToken<DiagnosticsService>('@vitals/core:DiagnosticsService');

/** Where a supervised service is in its life. */
export type ServiceState = 'starting' | 'up' | 'restarting' | 'hung' | 'stopping' | 'stopped';

/** One service a supervisor (`vitals run`) runs. */
export interface SupervisedService {
  /** The `service` label of its series. */
  readonly name: string;
  /** The child's pid while it runs. */
  readonly pid: number | undefined;
  readonly state: ServiceState;
  /** Restarts since the supervisor started. */
  readonly restarts: number;
  /** When the current child started, epoch ms. */
  readonly startedAt: number | undefined;
}

/**
 * Provided by @vitals/startup while it supervises: the services it runs and what can be asked of
 * them. The memory plugin uses it to take heap snapshots of a leaking service; the dashboard lists it.
 */
export interface ServiceRegistry {
  list(): readonly SupervisedService[];
  /**
   * Asks the running child of `service` to write a heap snapshot into `dir` (created 0700 by the
   * caller) and resolves to the file's path. Rejects with VitalsError `ERR_SERVICE_UNAVAILABLE` when
   * the service is not running or has no agent, `ERR_SNAPSHOT_REFUSED` when the child refuses (heap
   * above its cap, no free disk), and on timeout.
   */
  heapSnapshot(service: string, options: { dir: string; timeoutMs?: number }): Promise<string>;
}

/** See {@link ServiceRegistry}. */
export const SERVICE_REGISTRY = createToken<ServiceRegistry>('@vitals/core:ServiceRegistry');
