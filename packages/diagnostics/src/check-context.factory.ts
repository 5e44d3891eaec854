import { statfsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { processSubject, readCgroupLimits } from '@vitals/core';
import type { CgroupLimits, Clock, VitalsConfig } from '@vitals/core';
import type { CheckContext } from './check.context';
import type { DiagnosticsConfig } from './diagnostics.options';
import type { ProcessSample } from './process.sampler';

/** What varies per run; everything else comes from config. */
export interface ContextInput {
  readonly options: DiagnosticsConfig;
  readonly config: VitalsConfig;
  readonly clock: Clock;
  readonly pid?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly samples?: readonly ProcessSample[];
  readonly eventLoopDelayP99Ms?: number;
  readonly gcPausesMs?: readonly number[];
  readonly cpuUsedRatio?: number;
  /** The diagnosed process's cgroup when the run began (throttling over the window). */
  readonly cgroupAtStart?: { readonly at: number; readonly limits: CgroupLimits };
  /** @default true (the plugin's registered checks run on a started host) */
  readonly collectorsRunning?: boolean;
  /** Overrides of any other field (specs inject readings here). */
  readonly overrides?: Partial<CheckContext>;
}

/**
 * Builds the {@link CheckContext} of one run from config and the real OS sources.
 * @example createCheckContext({ options: DIAGNOSTICS_DEFAULTS, config, clock: systemClock })
 */
export function createCheckContext(input: ContextInput): CheckContext {
  const pid = input.pid ?? process.pid;
  const { procRoot, cgroupRoot } = input.options;
  let cgroup: CgroupLimits | undefined;
  return {
    pid,
    self: pid === process.pid,
    subject: processSubject(pid, procRoot),
    // Read once per run, on first use: every check of the run sees the same figures.
    cgroup: () => (cgroup ??= readCgroupLimits({ pid, procRoot, cgroupRoot })),
    cgroupAtStart: input.cgroupAtStart,
    procRoot,
    cgroupRoot,
    thresholds: input.config.thresholds,
    env: input.env ?? input.options.env,
    requiredEnv: input.config.requiredEnv ?? [],
    now: () => input.clock.now(),
    nodeVersion: process.version,
    cores: availableParallelism(),
    samples: input.samples ?? [],
    eventLoopDelayP99Ms: input.eventLoopDelayP99Ms,
    gcPausesMs: input.gcPausesMs,
    cpuUsedRatio: input.cpuUsedRatio,
    collectorsRunning: input.collectorsRunning ?? true,
    statfs: (path) => statfsSync(path),
    heapStatistics: () => getHeapStatistics(),
    activeResources: () => process.getActiveResourcesInfo().length,
    ...input.overrides,
  };
}
