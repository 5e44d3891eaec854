import { formatBytes, formatDuration, parseDuration, schemas, z } from '@vitals/core';

/** Node timers overflow past 2^31 - 1 ms (~24.8 days): a longer delay fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A duration in [min, max] ms (`off` allowed: 0 or "off"). Every duration of the supervisor has a
 * range that makes sense and stays far below {@link MAX_TIMER_MS} (issue 11: `--kill-timeout 25d`
 * sent SIGKILL 29 ms after SIGTERM).
 */
function duration(
  defaultValue: number | string | undefined,
  min: number,
  max: number,
  off = false,
) {
  const range = `between ${formatDuration(min)} and ${formatDuration(max)}${off ? ' (or 0/"off")' : ''}`;
  const error = `must be a duration ${range}, such as "30s" or a number of milliseconds`;
  const schema = z.union([z.number(), z.string()], { error }).transform((value, ctx) => {
    let ms = Number.NaN;
    try {
      ms = value === 'off' && off ? 0 : parseDuration(value);
    } catch {
      // reported below
    }
    if ((off && ms === 0) || (ms >= min && ms <= max)) return ms;
    ctx.issues.push({ code: 'custom', message: error, input: value });
    return z.NEVER;
  });
  return defaultValue === undefined ? schema : schema.prefault(defaultValue);
}

/** `16 MiB`, not `16.0 MiB`. */
const bytesText = (n: number) => formatBytes(n).replace(/\.0 /, ' ');

/** A size in [min, max] bytes. */
function size(defaultValue: number | string | undefined, min: number, max: number) {
  const schema = schemas.bytes().refine((v) => v >= min && v <= max, {
    message: `must be between ${bytesText(min)} and ${bytesText(max)} (use 512M or 1G)`,
  });
  return defaultValue === undefined ? schema : schema.prefault(defaultValue);
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Configuration of the startup plugin: the `startup` section of `vitals.config.json`, and the
 * options of `startupPlugin()`. The flags of `vitals run` override it key by key. Durations take
 * milliseconds or strings such as `"30s"`; sizes take bytes or strings such as `"512M"`.
 */
export const startupConfigSchema = z.strictObject({
  /**
   * Service name for the lock and metric labels: 1–100 letters, digits, `.`, `_`, `@` or `-` (it
   * names the lock file, so no `/`). @default the script's file name
   */
  name: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{1,100}$/, {
      message: 'must be 1-100 letters, digits, . _ @ or - (it names the lock file)',
    })
    .optional(),
  /** When to restart the child: on a non-zero exit, on any exit, or never. @default 'on-failure' */
  restart: z.enum(['on-failure', 'always', 'never']).default('on-failure'),
  /** Restarts allowed within `restartWindowMs` before giving up. @default 10 */
  maxRestarts: schemas.nonNegativeInt().max(1000, { error: 'must be at most 1000' }).default(10),
  /** Window for `maxRestarts`. @default 60000 (60s) */
  restartWindowMs: duration('60s', SECOND, DAY),
  /** First restart delay; doubles on each crash in a row. @default 100 */
  backoffInitialMs: duration(100, 10, MINUTE),
  /** Longest restart delay. @default 15000 (15s) */
  backoffMaxMs: duration('15s', 100, HOUR),
  /** A child up this long resets the delay to `backoffInitialMs`. @default 30000 (30s) */
  backoffResetMs: duration('30s', SECOND, DAY),
  /** RSS ceiling; unset: no memory restarts. @default undefined */
  maxMemory: size(undefined, 16 * MiB, 1024 * GiB).optional(),
  /** How long RSS must stay over `maxMemory` before a graceful restart. @default 30000 (30s) */
  maxMemoryForMs: duration('30s', 0, HOUR),
  /** RSS sampling interval. @default 1000 (1s) */
  memoryCheckIntervalMs: duration('1s', 100, MINUTE),
  /** Grace between SIGTERM and SIGKILL when stopping the child. @default 5000 (5s) */
  killTimeoutMs: duration('5s', 100, HOUR),
  /** V8 profile for the child's NODE_OPTIONS (needs @vitals/memory). @default 'container' */
  profile: z.enum(['container', 'throughput', 'low-memory', 'none']).default('container'),
  /** Load the in-process agent into Node children. @default true */
  agent: z.boolean().default(true),
  /** Agent sampling interval. @default 1000 (1s) */
  agentIntervalMs: duration('1s', 100, MINUTE),
  /** Write the child's stdout to this file (rotated by size) instead of passing it through. @default undefined */
  logFile: z.string().min(1).optional(),
  /** Write the child's stderr to this file. @default undefined (logFile when set) */
  errorFile: z.string().min(1).optional(),
  /** Rotate a log file past this size. @default 10 MiB ('10M') */
  logMaxSize: size('10M', 1024, 100 * GiB),
  /** Rotated files kept (`app.log.1` … `app.log.N`). @default 5 */
  logMaxFiles: schemas.positiveInt().max(100, { error: 'must be at most 100' }).default(5),
  /** Lock directory handed to the instance lock. @default the lock service's default */
  lockDir: z.string().min(1).optional(),
  /** Register `/health/live` and `/health/ready` on the host's HTTP server. @default true */
  health: z.boolean().default(true),
  /** What `maxMemory` counts: the child's RSS, or its whole process tree's. @default 'child' */
  memoryScope: z.enum(['child', 'tree']).default('child'),
  /**
   * A Node child whose agent is silent this long while it runs is hung (blocked event loop) and
   * restarted; 0 or "off" disables it. @default 30000 (30s), or 3 × agentIntervalMs when longer
   */
  hangTimeoutMs: duration(undefined, SECOND, DAY, true).optional(),
  /** Measurement GC after this long without a major GC in the child; 0/"off" = never. @default 10000 (10s) */
  measureGcAfterMs: duration('10s', SECOND, DAY, true),
  /**
   * Pause budget of measurement GCs: the share of wall time their pauses may take (after a pause
   * of P ms the next waits ≥ P / ratio). @default 0.01 (1 %)
   */
  measureGcPauseRatio: z
    .number({ error: 'must be a ratio between 0.0001 and 0.1 (e.g. 0.01 for 1 %)' })
    .min(0.0001, { error: 'must be a ratio between 0.0001 and 0.1 (e.g. 0.01 for 1 %)' })
    .max(0.1, { error: 'must be a ratio between 0.0001 and 0.1 (e.g. 0.01 for 1 %)' })
    .default(0.01),
  /** No measurement GC while the child's old generation (heap outside the young generation) is above this. @default 256 MiB ('256M') */
  measureGcMaxHeap: size('256M', MiB, 64 * GiB),
  /** Heap snapshots of the child are refused above this heap used. @default 1 GiB ('1G') */
  snapshotMaxHeap: size('1G', MiB, 64 * GiB),
  /** The agent makes a Node child SIGTERM itself when the supervisor vanishes. @default false */
  exitWithSupervisor: z.boolean().default(false),
});

/** Validated startup configuration. */
export type StartupConfig = z.output<typeof startupConfigSchema>;

/** Options of `startupPlugin()`: every key of the `startup` config section, all optional. */
export type StartupOptions = Partial<z.input<typeof startupConfigSchema>>;
