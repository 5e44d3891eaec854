import { DEFAULT_LATENCY_BUCKETS_SECONDS, schemas, z } from '@vitals/core';

const severity = z.enum(['info', 'warning', 'critical']);
const op = z.enum(['>', '>=', '<', '<=']);
const labels = z.record(z.string(), z.string());

/** Changes to one default rule; `false` removes it. */
const ruleOverride = z.union([
  z.literal(false),
  z.strictObject({
    threshold: z.number().optional(),
    clear: z.number().optional(),
    for: schemas.duration().optional(),
    cooldown: schemas.duration().optional(),
    severity: severity.optional(),
  }),
]);

/** A rule of your own, as core's AlertEngine takes it. */
const extraRule = z.strictObject({
  id: z.string().min(1),
  metric: z.string().min(1),
  labels: labels.optional(),
  op,
  threshold: z.number(),
  clear: z.number().optional(),
  for: schemas.duration().optional(),
  cooldown: schemas.duration().optional(),
  severity: severity.optional(),
  relativeTo: z.strictObject({ metric: z.string().min(1), labels: labels.optional() }).optional(),
  summary: z.string().optional(),
});

/**
 * The monitor's config section (`monitor` in vitals.config.json); every field is optional.
 * Durations take `"30s"`-style strings or milliseconds.
 */
export const monitorConfigSchema = z.strictObject({
  /** Time between ticks, 50ms–1h (0 would spin a core). @default 1000 */
  intervalMs: schemas.duration(undefined, { min: '50ms', max: '1h' }).default(1000),
  /** Deadline of each collector on a tick, 1ms–1m. @default 500 */
  collectorTimeoutMs: schemas.duration(undefined, { min: '1ms', max: '1m' }).default(500),
  /** Watch this pid instead of the host's own process. @default the host process */
  pid: schemas.positiveInt().optional(),
  /** System collectors (CPU, memory, disk, network). @default true */
  system: z.boolean().default(true),
  /** Process collector. @default true */
  process: z.boolean().default(true),
  /** Runtime collector (event loop, handles, heap). @default true */
  runtime: z.boolean().default(true),
  /**
   * Resolution of the event-loop delay histogram, ms. Each sample wakes the loop (≈ 25 µs of CPU
   * on the reference machine), so this sets most of the monitor's idle cost: 50 ms keeps the
   * monitor inside its 0.5 %-of-a-core budget; a stall of B ms reads between B − 50 and B ms. Use
   * 10–20 when finer delay figures are worth ≈ 0.1–0.2 % more CPU.
   * @default 50
   */
  eventLoopResolutionMs: schemas.positiveInt().default(50),
  disk: z
    .strictObject({
      /** Filesystem types reported although normally skipped (e.g. `tmpfs`). @default [] */
      includeFsTypes: z.array(z.string()).default([]),
      /** Mount points never reported. @default [] */
      excludeMountpoints: z.array(z.string()).default([]),
    })
    .prefault({}),
  network: z
    .strictObject({
      /** Interfaces never reported. @default [] */
      excludeInterfaces: z.array(z.string()).default([]),
    })
    .prefault({}),
  alerts: z
    .strictObject({
      /** Add the default rules built from `thresholds`. @default true */
      defaults: z.boolean().default(true),
      /** Clear threshold distance from the trigger, as a fraction of it. @default 0.05 */
      hysteresis: schemas.ratio().default(0.05),
      /** Overrides of default rules by id; `false` removes one. @default {} */
      rules: z.record(z.string(), ruleOverride).default({}),
      /** Rules of your own. @default [] */
      extra: z.array(extraRule).default([]),
      /** Transitions sent to callbacks. @default ['firing', 'resolved'] */
      notify: z.array(z.enum(['pending', 'firing', 'resolved'])).default(['firing', 'resolved']),
      /** POST each alert as JSON to this URL. */
      webhook: z
        .strictObject({
          url: z.url(),
          /** @default 5000 */
          timeoutMs: schemas.duration().default(5000),
          /** @default {} */
          headers: z.record(z.string(), z.string()).default({}),
        })
        .optional(),
      /** Run this program with the alert as JSON on stdin (no shell). */
      command: z
        .strictObject({
          path: z.string().min(1),
          /** @default [] */
          args: z.array(z.string()).default([]),
          /** Killed (SIGKILL) after this long. @default 10000 */
          timeoutMs: schemas.duration().default(10_000),
        })
        .optional(),
    })
    .prefault({}),
  exhaustion: z
    .strictObject({
      /** Publish time-to-exhaustion for memory and disks, with alert rules. @default true */
      enabled: z.boolean().default(true),
      /** History window the projection is fitted on. @default '30m' */
      window: schemas.duration().default(30 * 60_000),
      /** Warning when projected full within this. @default '48h' */
      warning: schemas.duration().default(48 * 3_600_000),
      /** Critical when projected full within this. @default '24h' */
      critical: schemas.duration().default(24 * 3_600_000),
    })
    .prefault({}),
  app: z
    .strictObject({
      /** Histogram bucket bounds of application timers, seconds. @default DEFAULT_LATENCY_BUCKETS_SECONDS */
      buckets: z.array(z.number()).default([...DEFAULT_LATENCY_BUCKETS_SECONDS]),
    })
    .prefault({}),
});

/** Monitor options as written in code or config (every field optional). */
export type MonitorOptions = z.input<typeof monitorConfigSchema>;
/** Monitor options after validation and defaults. */
export type MonitorConfig = z.output<typeof monitorConfigSchema>;
