import { z } from '@vitals/core';

/**
 * Config section `diagnostics` (and `diagnosticsPlugin(options)`). Every field is optional.
 * @example diagnosticsPlugin({ eventLoopSampleMs: 100 })
 */
export const diagnosticsConfigSchema = z.strictObject({
  /** Where `/proc` is mounted (a fake tree in tests). @default '/proc' */
  procRoot: z.string().min(1).default('/proc'),
  /** Where the cgroup hierarchy is mounted. @default '/sys/fs/cgroup' */
  cgroupRoot: z.string().min(1).default('/sys/fs/cgroup'),
  /** Deadline of each collector in the one collection, ms. @default 1000 */
  collectTimeoutMs: z.number().int().positive().default(1000),
  /** Deadline of each health check, ms; one that misses it becomes a finding. @default 2000 */
  checkTimeoutMs: z.number().int().positive().default(2000),
  /** How long to measure event-loop delay when no collector publishes it, ms. @default 50 */
  eventLoopSampleMs: z.number().int().positive().default(50),
  /** How long `--pid N` samples the process for RSS growth and CPU, ms (0: one reading). @default 1000 */
  pidSampleMs: z.number().int().nonnegative().default(1000),
  /** Time between samples with `--pid` and `--watch`, ms. @default 1000 */
  sampleIntervalMs: z.number().int().positive().default(1000),
  /**
   * Environment of this process, for the environment checks and `DiagnosticsService` (libraries
   * never read `process.env`; the CLI passes its own). @default undefined (checks say "not supplied")
   */
  env: z.record(z.string(), z.string().optional()).optional(),
});

/** Validated options of the diagnostics plugin. */
export type DiagnosticsConfig = z.output<typeof diagnosticsConfigSchema>;
/**
 * Options of `diagnosticsPlugin()`: every field optional (see {@link diagnosticsConfigSchema});
 * `env` takes `process.env` or any object of string (or undefined) values.
 */
export type DiagnosticsOptions = Omit<z.input<typeof diagnosticsConfigSchema>, 'env'> & {
  readonly env?: Readonly<Record<string, string | undefined>> | NodeJS.ProcessEnv;
};

/** The defaults, for code that runs without a validated section. */
export const DIAGNOSTICS_DEFAULTS: DiagnosticsConfig = Object.freeze(
  diagnosticsConfigSchema.parse({}),
);
