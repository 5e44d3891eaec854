import { z } from '@vitals/core';

/**
 * Configuration of the startup plugin: the `startup` section of `vitals.config.json`, and the
 * options of `startupPlugin()`. The flags of `vitals run` override it key by key.
 */
export const startupConfigSchema = z.strictObject({
  /** Service name for the lock and metric labels. @default the script's file name */
  name: z.string().min(1).optional(),
  /** When to restart the child: on a non-zero exit, on any exit, or never. @default 'on-failure' */
  restart: z.enum(['on-failure', 'always', 'never']).default('on-failure'),
  /** Restarts allowed within `restartWindowMs` before giving up. @default 10 */
  maxRestarts: z.number().int().min(0).default(10),
  /** Window for `maxRestarts`, ms. @default 60000 */
  restartWindowMs: z.number().int().positive().default(60_000),
  /** First restart delay, ms; doubles on each crash in a row. @default 100 */
  backoffInitialMs: z.number().int().min(0).default(100),
  /** Longest restart delay, ms. @default 15000 */
  backoffMaxMs: z.number().int().min(0).default(15_000),
  /** A child up this long resets the delay to `backoffInitialMs`, ms. @default 30000 */
  backoffResetMs: z.number().int().min(0).default(30_000),
  /** RSS ceiling (`512M`, `2G` or bytes); unset: no memory restarts. @default undefined */
  maxMemory: z.union([z.string(), z.number()]).optional(),
  /** How long RSS must stay over `maxMemory` before a restart, ms. @default 30000 */
  maxMemoryForMs: z.number().int().min(0).default(30_000),
  /** RSS sampling interval, ms. @default 1000 */
  memoryCheckIntervalMs: z.number().int().positive().default(1000),
  /** Grace between SIGTERM and SIGKILL when stopping the child, ms. @default 5000 */
  killTimeoutMs: z.number().int().min(0).default(5000),
  /** V8 profile whose flags go into the child's NODE_OPTIONS (needs @vitals/memory). @default 'container' */
  profile: z.enum(['container', 'throughput', 'low-memory', 'none']).default('container'),
  /** Load the in-process agent into Node children. @default true */
  agent: z.boolean().default(true),
  /** Agent sampling interval, ms. @default 1000 */
  agentIntervalMs: z.number().int().min(100).default(1000),
  /** Write the child's stdout/stderr to these files (rotated by size) instead of passing them through. @default undefined */
  logFile: z.string().optional(),
  /** @default undefined (same as logFile) */
  errorFile: z.string().optional(),
  /** Rotate a log file past this size. @default '10M' */
  logMaxSize: z.union([z.string(), z.number()]).default('10M'),
  /** Rotated files kept (`app.log.1` … `app.log.N`). @default 5 */
  logMaxFiles: z.number().int().min(1).default(5),
  /** Lock directory handed to the process plugin's lock. @default the lock service's default */
  lockDir: z.string().optional(),
  /** Register `/health/live` and `/health/ready`. @default true */
  health: z.boolean().default(true),
});

/** Validated startup configuration. */
export type StartupConfig = z.infer<typeof startupConfigSchema>;

/** Options of `startupPlugin()`: every key of {@link StartupConfig}, all optional. */
export type StartupOptions = z.input<typeof startupConfigSchema>;
