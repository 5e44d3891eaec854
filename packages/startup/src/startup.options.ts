import { schemas, z } from '@vitals/core';

/**
 * Configuration of the startup plugin: the `startup` section of `vitals.config.json`, and the
 * options of `startupPlugin()`. The flags of `vitals run` override it key by key. Durations take
 * milliseconds or strings such as `"30s"`; sizes take bytes or strings such as `"512M"`.
 */
export const startupConfigSchema = z.strictObject({
  /** Service name for the lock and metric labels. @default the script's file name */
  name: z.string().min(1).optional(),
  /** When to restart the child: on a non-zero exit, on any exit, or never. @default 'on-failure' */
  restart: z.enum(['on-failure', 'always', 'never']).default('on-failure'),
  /** Restarts allowed within `restartWindowMs` before giving up. @default 10 */
  maxRestarts: schemas.nonNegativeInt().default(10),
  /** Window for `maxRestarts`. @default 60000 (60s) */
  restartWindowMs: schemas.duration('60s'),
  /** First restart delay; doubles on each crash in a row. @default 100 */
  backoffInitialMs: schemas.duration(100),
  /** Longest restart delay. @default 15000 (15s) */
  backoffMaxMs: schemas.duration('15s'),
  /** A child up this long resets the delay to `backoffInitialMs`. @default 30000 (30s) */
  backoffResetMs: schemas.duration('30s'),
  /** RSS ceiling; unset: no memory restarts. @default undefined */
  maxMemory: schemas.bytes().optional(),
  /** How long RSS must stay over `maxMemory` before a graceful restart. @default 30000 (30s) */
  maxMemoryForMs: schemas.duration('30s'),
  /** RSS sampling interval. @default 1000 (1s) */
  memoryCheckIntervalMs: schemas.duration('1s'),
  /** Grace between SIGTERM and SIGKILL when stopping the child. @default 5000 (5s) */
  killTimeoutMs: schemas.duration('5s'),
  /** V8 profile for the child's NODE_OPTIONS (needs @vitals/memory). @default 'container' */
  profile: z.enum(['container', 'throughput', 'low-memory', 'none']).default('container'),
  /** Load the in-process agent into Node children. @default true */
  agent: z.boolean().default(true),
  /** Agent sampling interval. @default 1000 (1s) */
  agentIntervalMs: schemas.duration('1s'),
  /** Write the child's stdout to this file (rotated by size) instead of passing it through. @default undefined */
  logFile: z.string().min(1).optional(),
  /** Write the child's stderr to this file. @default undefined (logFile when set) */
  errorFile: z.string().min(1).optional(),
  /** Rotate a log file past this size. @default 10 MiB ('10M') */
  logMaxSize: schemas.bytes('10M'),
  /** Rotated files kept (`app.log.1` … `app.log.N`). @default 5 */
  logMaxFiles: schemas.positiveInt().default(5),
  /** Lock directory handed to the instance lock. @default the lock service's default */
  lockDir: z.string().min(1).optional(),
  /** Register `/health/live` and `/health/ready` on the host's HTTP server. @default true */
  health: z.boolean().default(true),
});

/** Validated startup configuration. */
export type StartupConfig = z.output<typeof startupConfigSchema>;

/** Options of `startupPlugin()`: every key of the `startup` config section, all optional. */
export type StartupOptions = Partial<z.input<typeof startupConfigSchema>>;
