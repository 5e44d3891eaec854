import { schemas, z } from '@vitals/core';

const { duration, bytes, ratio, positiveInt } = schemas;

const MIN = 60_000;
const H = 3_600_000;
const MiB = 1024 * 1024;
/** A duration (ms or "30s") checked against a range that makes sense. */
function ms(defaultValue: string | number, lo: number, hi: number, what: string) {
  return duration(defaultValue).refine((v) => v >= lo && v <= hi, {
    message: `must be a duration between ${what}`,
  });
}
/** A size (bytes or "1G") checked against a range that makes sense. */
function size(defaultValue: string | number, lo: number, hi: number, what: string) {
  return bytes(defaultValue).refine((v) => v >= lo && v <= hi, {
    message: `must be a size between ${what}`,
  });
}

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
  periodicGcMs: duration(0).refine((v) => v === 0 || (v >= 1000 && v <= 24 * H), {
    message: 'must be 0 (never) or a duration between 1s and 24h',
  }),
  /**
   * Measurement GC (issue 10): one forced full GC when no major GC ran for `afterMs` (and for
   * the last forced pause / `maxPauseRatio`) while heap used grew ≥ `minGrowthRatio` and ≥
   * `minGrowthBytes` since the last post-GC baseline, and heap used ≤ `maxHeapBytes`. Checked
   * every second. Off under tests (like periodicGcMs).
   */
  measurementGc: z
    .strictObject({
      /** @default true */
      enabled: z.boolean().default(true),
      /** @default '10s' */
      afterMs: ms('10s', 5_000, 24 * H, '5s and 24h'),
      /** Share of wall time forced pauses may take (the pause budget). @default 0.01 */
      maxPauseRatio: z
        .number({ error: 'must be a ratio between 0.0001 and 0.1 (e.g. 0.01 for 1 %)' })
        .min(0.0001, { error: 'must be a ratio between 0.0001 and 0.1 (e.g. 0.01 for 1 %)' })
        .max(0.1, { error: 'must be a ratio between 0.0001 and 0.1 (e.g. 0.01 for 1 %)' })
        .default(0.01),
      /** @default 0.02 */
      minGrowthRatio: ratio().default(0.02),
      /** @default '256K' */
      minGrowthBytes: size('256K', 0, 1024 ** 4, '0 and 1T'),
      /** @default '256M' */
      maxHeapBytes: size('256M', MiB, 1024 ** 4, '1M and 1T'),
    })
    .prefault({} as never),
  /** Post-GC heap / heap limit that raises `memory.heap-near-limit` (critical). @default 0.9 */
  heapLimitThreshold: ratio().default(0.9),
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
      windowMs: ms('10m', 10_000, 24 * H, '10s and 24h'),
      minSpanMs: ms('145s', 5_000, 24 * H, '5s and 24h'),
      /** No verdict with fewer points in the window. @default 4 */
      minPoints: positiveInt().min(3).max(10_000).default(4),
      minRateBytesPerSecond: z
        .number()
        .min(0)
        .max(1024 ** 3)
        .default((30 * 1024 * 1024) / 3600),
      minConfidence: ratio().default(0.6),
      minGrowthBytes: size('1M', 0, 1024 ** 4, '0 and 1T'),
      /** Bucket of raw points, ms. @default '5s' */
      bucketMs: ms('5s', 100, 10 * MIN, '100ms and 10m'),
      /** Rolling-minimum width, ms. @default '30s' */
      erosionMs: ms('30s', 0, 10 * MIN, '0 and 10m'),
      /** Shortest recent part of the plateau test, ms. @default '45s' */
      recentMinMs: ms('45s', 1000, 24 * H, '1s and 24h'),
      /** Second half's slope ≥ this × the first half's. @default 0.5 */
      decelerationRatio: ratio().default(0.5),
      /** Share of the baseline the straight line must explain (R²). @default 0.6 */
      minFit: ratio().default(0.6),
      /** Second half's rise ≥ this × its scatter (median absolute deviation); 0 = off. @default 5 */
      minRiseToNoise: z
        .number({ error: 'must be a number between 0 and 100 (e.g. 5)' })
        .min(0, { error: 'must be a number between 0 and 100 (e.g. 5)' })
        .max(100, { error: 'must be a number between 0 and 100 (e.g. 5)' })
        .default(5),
      /** At most one assessment per process per this period, ms. @default '5s' */
      assessEveryMs: ms('5s', 100, 10 * MIN, '100ms and 10m'),
      /** A leak is reported once every assessment for this long said so. @default '10s' */
      confirmMs: ms('10s', 0, 10 * MIN, '0 and 10m'),
      /** Supervised services watched at once. @default 64 */
      maxServices: positiveInt().max(10_000).default(64),
      /** A service without a baseline for this long is forgotten. @default '30m' */
      forgetAfterMs: ms('30m', MIN, 7 * 24 * H, '1m and 7d'),
    })
    .prefault({} as never),
  /**
   * Evidence with a leak alert (`vitals run --snapshot-on-leak`): once a leak is confirmed, two
   * heap snapshots `snapshotGapMs` apart (the supervised child's through SERVICE_REGISTRY, this
   * process's through the writer), inside the snapshot guards; the diff's top growing
   * constructors go into the log and the alert. @default false
   */
  snapshotOnLeak: z.boolean().default(false),
  /** Folder for leak snapshots. @default snapshot.dir */
  snapshotDir: z.string().min(1).optional(),
  /** Time between the two snapshots. @default '3m' */
  snapshotGapMs: ms('3m', 1000, 24 * H, '1s and 24h'),
  /** Refuse snapshots of a heap larger than this (a snapshot pauses it and needs about its size). @default '1G' */
  snapshotMaxHeapBytes: size('1G', MiB, 1024 ** 4, '1M and 1T'),
  /** Heap snapshot guards. */
  snapshot: z
    .strictObject({
      /**
       * Folder heap snapshots go to (made 0700; every folder on its path yours or root's, and
       * sticky if others can write it; see `defaultSnapshotDir`).
       * @default `/var/lib/vitals/snapshots` for root, else `<os.tmpdir()>/vitals-snapshots-<uid>`
       */
      dir: z.string().min(1).optional(),
      minIntervalMs: ms('5m', 0, 7 * 24 * H, '0 and 7d'),
      minFreeBytes: size('1G', 0, 1024 ** 5, '0 and 1P'),
      maxFiles: positiveInt().max(1000).default(3),
    })
    .prefault({} as never),
});

/** Validated memory config. */
export type MemoryConfig = z.output<typeof memoryConfigSchema>;
/** What `memoryPlugin(options)` (and the `memory` config section) accepts: every field optional. */
export interface MemoryOptions {
  /**
   * Overrides the host's `ctx.env` for the test-run decision. Any object of string values, such
   * as `process.env`; other values are ignored. @default the host's env
   */
  readonly env?: Readonly<Record<string, string | undefined>> | NodeJS.ProcessEnv;
  /** Forced GC period (ms or "10m"); 0 = never; never under tests. @default 0 */
  readonly periodicGcMs?: number | string;
  /** Measurement GC when major GCs are rare; off under tests. */
  readonly measurementGc?: {
    /** @default true */
    readonly enabled?: boolean;
    /** Only after this long without a major GC (5s–24h). @default '10s' */
    readonly afterMs?: number | string;
    /** Share of wall time forced pauses may take (0.0001–0.1). @default 0.01 */
    readonly maxPauseRatio?: number;
    /** Old-generation growth since the last baseline, fraction. @default 0.02 */
    readonly minGrowthRatio?: number;
    /** …and bytes. @default '256K' */
    readonly minGrowthBytes?: number | string;
    /** @default '256M' */
    readonly maxHeapBytes?: number | string;
  };
  /** @default 0.9 */
  readonly heapLimitThreshold?: number;
  /** Two heap snapshots and their diff once a leak is confirmed. @default false */
  readonly snapshotOnLeak?: boolean;
  /** @default snapshot.dir */
  readonly snapshotDir?: string;
  /** @default '3m' */
  readonly snapshotGapMs?: number | string;
  /** @default '1G' */
  readonly snapshotMaxHeapBytes?: number | string;
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
    /** @default '145s' */
    readonly minSpanMs?: number | string;
    /** @default 30 MB/h */
    readonly minRateBytesPerSecond?: number;
    /** @default 0.6 */
    readonly minConfidence?: number;
    /** @default '1M' */
    readonly minGrowthBytes?: number | string;
    /** @default 4 */
    readonly minPoints?: number;
    /** @default '5s' */
    readonly bucketMs?: number | string;
    /** @default '30s' */
    readonly erosionMs?: number | string;
    /** @default '45s' */
    readonly recentMinMs?: number | string;
    /** @default 0.5 */
    readonly decelerationRatio?: number;
    /** @default 0.6 */
    readonly minFit?: number;
    /** @default 5 */
    readonly minRiseToNoise?: number;
    /** @default '5s' */
    readonly assessEveryMs?: number | string;
    /** A leak is reported once every assessment for this long said so (0–10m). @default '10s' */
    readonly confirmMs?: number | string;
    /** @default 64 */
    readonly maxServices?: number;
    /** @default '30m' */
    readonly forgetAfterMs?: number | string;
  };
  /** Heap snapshot guards. */
  readonly snapshot?: {
    /** @default `/var/lib/vitals/snapshots` for root, else `<os.tmpdir()>/vitals-snapshots-<uid>` */
    readonly dir?: string;
    /** @default '5m' */
    readonly minIntervalMs?: number | string;
    /** @default '1G' */
    readonly minFreeBytes?: number | string;
    /** @default 3 */
    readonly maxFiles?: number;
  };
}
