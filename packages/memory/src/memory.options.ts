import { schemas, z } from '@vitals/core';

const { duration, bytes, ratio, positiveInt } = schemas;

/**
 * The memory plugin's config section (`memory` in vitals.config.json), validated once and frozen.
 * Durations take numbers (ms) or strings ("30s"); sizes numbers (bytes) or strings ("1G").
 */
export const memoryConfigSchema = z.strictObject({
  /**
   * Overrides the host's environment (`ctx.env`, which the CLI fills from `process.env`) for the
   * test-run decision: periodic forced GC stays off when `NODE_ENV=test` or `JEST_WORKER_ID` is set.
   * @default the host's env
   */
  env: z.record(z.string(), z.string().optional()).optional(),
  /** Force a full GC this often; 0 = never. Off under tests whatever the value. @default 0 */
  periodicGcMs: duration(0),
  /** Allow `optimizeMemory()` to force a GC without `--expose-gc` (v8 flag + vm). @default true */
  allowGcFallback: z.boolean().default(true),
  /** GC pressure window. @default '60s' */
  gcPressureWindowMs: duration('60s'),
  /** Add the default leak and GC-pressure alert rules. @default true */
  alerts: z.boolean().default(true),
  /** GC pressure (ratio of wall time in GC) that raises a critical alert, held 30 s. @default 0.5 */
  gcPressureThreshold: ratio().default(0.5),
  /** Run `emergencyCleanup()` when a critical memory alert fires (at most every 10 min). @default false */
  cleanupOnCriticalAlert: z.boolean().default(false),
  /** Leak detector tuning (see LeakDetectorOptions). */
  leak: z
    .strictObject({
      windowMs: duration('10m'),
      minSpanMs: duration('2m'),
      minRateBytesPerSecond: z
        .number()
        .min(0)
        .default((30 * 1024 * 1024) / 3600),
      minConfidence: ratio().default(0.6),
      minGrowthBytes: bytes('1M'),
    })
    .prefault({} as never),
  /** Heap snapshot guards. */
  snapshot: z
    .strictObject({
      /** @default os.tmpdir() */
      dir: z.string().min(1).optional(),
      minIntervalMs: duration('5m'),
      minFreeBytes: bytes('1G'),
      maxFiles: positiveInt().default(3),
    })
    .prefault({} as never),
});

/** Validated memory config. */
export type MemoryConfig = z.output<typeof memoryConfigSchema>;
/** What `memoryPlugin(options)` (and the `memory` config section) accepts: every field optional. */
export interface MemoryOptions {
  /** Overrides the host's `ctx.env` for the test-run decision. @default the host's env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Forced GC period (ms or "10m"); 0 = never; never under tests. @default 0 */
  readonly periodicGcMs?: number | string;
  /** @default true */
  readonly allowGcFallback?: boolean;
  /** @default '60s' */
  readonly gcPressureWindowMs?: number | string;
  /** @default true */
  readonly alerts?: boolean;
  /** @default 0.5 */
  readonly gcPressureThreshold?: number;
  /** @default false */
  readonly cleanupOnCriticalAlert?: boolean;
  /** Leak detector tuning. */
  readonly leak?: {
    /** @default '10m' */
    readonly windowMs?: number | string;
    /** @default '2m' */
    readonly minSpanMs?: number | string;
    /** @default 30 MB/h */
    readonly minRateBytesPerSecond?: number;
    /** @default 0.6 */
    readonly minConfidence?: number;
    /** @default '1M' */
    readonly minGrowthBytes?: number | string;
  };
  /** Heap snapshot guards. */
  readonly snapshot?: {
    /** @default os.tmpdir() */
    readonly dir?: string;
    /** @default '5m' */
    readonly minIntervalMs?: number | string;
    /** @default '1G' */
    readonly minFreeBytes?: number | string;
    /** @default 3 */
    readonly maxFiles?: number;
  };
}
