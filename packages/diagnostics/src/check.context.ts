import type {
  CgroupLimits,
  Finding,
  HealthArea,
  HealthCheck,
  Severity,
  Thresholds,
} from '@vitals/core';
import type { ProcessSample } from './process.sampler';

/** Filesystem figures as `fs.statfsSync` returns them (block counts × `bsize`). */
export interface FsStats {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
}

/**
 * What a built-in check reads besides the snapshot. Every OS source is here so a spec can point a
 * check at a fake `/proc` tree or inject a reading the real machine cannot produce on demand.
 */
export interface CheckContext {
  /** The process diagnosed: `'self'` or another pid read from outside through `/proc`. */
  readonly pid: number | 'self';
  /** True when `pid` is this process: runtime checks (heap, GC, event loop, handles) apply. */
  readonly self: boolean;
  /**
   * Whose figures the process checks show, for messages: `pid 1234 (node bot.js)`. Machine-wide
   * figures say `machine` instead, so every line of a report says whose figure it is.
   */
  readonly subject: string;
  /**
   * The diagnosed process's cgroup (memory limit and usage, CPU quota and throttling counters),
   * read from `/proc/<pid>/cgroup` and the cgroup tree: never the diagnosing process's own.
   */
  readonly cgroup: () => CgroupLimits;
  /**
   * The diagnosed process's cgroup as read when the run began (ms on the host clock): throttling
   * over the sampling window is the difference with {@link cgroup}. Undefined: counters since the
   * cgroup was created are shown.
   */
  readonly cgroupAtStart: { readonly at: number; readonly limits: CgroupLimits } | undefined;
  readonly procRoot: string;
  readonly cgroupRoot: string;
  readonly thresholds: Thresholds;
  /** Environment of the diagnosed process; `undefined` when not supplied (checks say so). */
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  /** Variables that must be set (`config.requiredEnv`). */
  readonly requiredEnv: readonly string[];
  /** The host clock's `now()`, epoch ms (Node end-of-life dates are judged against it). */
  readonly now: () => number;
  /** `process.version` of the diagnosed runtime, e.g. `v20.20.2`. */
  readonly nodeVersion: string;
  /** CPU cores available to the machine (`os.availableParallelism()`). */
  readonly cores: number;
  /** Samples of the process over time (`--pid`, `--watch`); fewer than two: no growth rates. */
  readonly samples: readonly ProcessSample[];
  /** Event-loop delay p99 in ms measured by the runner, when the snapshot lacks it. */
  readonly eventLoopDelayP99Ms: number | undefined;
  /** Machine CPU used (0–1) over the runner's sampling window (`--pid`, `--watch`), from `/proc/stat`. */
  readonly cpuUsedRatio: number | undefined;
  /**
   * The host's collectors are ticking (host started), so rate figures in the snapshot (monitor's
   * CPU used) cover the last tick. False in a one-shot `vitals diagnose`, where a first reading is
   * an average since boot and is not reported.
   */
  readonly collectorsRunning: boolean;
  /** GC pauses (ms) the runner observed during a `--watch` window; undefined when not observed. */
  readonly gcPausesMs: readonly number[] | undefined;
  /** `fs.statfsSync` (injectable). */
  readonly statfs: (path: string) => FsStats;
  /** `v8.getHeapStatistics()` (injectable). */
  readonly heapStatistics: () => { used_heap_size: number; heap_size_limit: number };
  /** Active libuv handles and requests of this process (`process.getActiveResourcesInfo().length`). */
  readonly activeResources: () => number;
}

/** Extra parts of a finding: the figure behind it, what to do, raw data. */
export interface FindingParts {
  /** The figure behind the message, for people: `3.1 GiB of 4 GiB (78%)`. */
  readonly figure?: string;
  readonly recommendation?: string;
  readonly data?: Record<string, unknown>;
}

/**
 * Builds a finding; the figure travels in `data.figure` (core's `Finding` has no field for it).
 * @example finding(check, 'warning', '612 MiB of swap in use', { figure: '612 MiB ≥ 500 MiB' })
 */
export function finding(
  check: { name: string; area?: HealthArea },
  severity: Severity,
  message: string,
  parts: FindingParts = {},
): Finding {
  const data = parts.figure === undefined ? parts.data : { figure: parts.figure, ...parts.data };
  return {
    check: check.name,
    area: check.area,
    severity,
    message,
    ...(parts.recommendation && severity !== 'ok' ? { recommendation: parts.recommendation } : {}),
    ...(data ? { data } : {}),
  };
}

/** How to give the service an environment (libraries never read `process.env` themselves). */
export const ENV_NOT_SUPPLIED_FIX =
  'create the plugin with diagnosticsPlugin({ env: process.env }) (or set `diagnostics.env`); `vitals diagnose` passes its own';

/**
 * The finding of an environment check run without an environment (`DiagnosticsService` of a
 * plugin created without `env`): info, or `severity` when something goes unchecked.
 * @example if (!ctx.env) return [envNotSupplied(check)];
 */
export function envNotSupplied(
  check: { name: string; area?: HealthArea },
  what = 'the environment was not passed to diagnostics',
  severity: Severity = 'info',
): Finding {
  return finding(check, severity, what, { recommendation: ENV_NOT_SUPPLIED_FIX });
}

/** A built-in check: a `HealthCheck` made from a {@link CheckContext}. */
export type CheckFactory = (ctx: CheckContext) => HealthCheck;
