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
   * Resolution of the event-loop delay histogram, 1ms–10s. Each sample wakes the loop (≈ 40–80 µs
   * of CPU on a small VM); a stall of B ms reads between B − resolution and B ms. Use 10–20 when
   * finer delay figures are worth ≈ 0.1–0.2 % more CPU (see `eventLoopQuietMs` for idle loops).
   * @default 50
   */
  eventLoopResolutionMs: schemas.duration(undefined, { min: '1ms', max: '10s' }).default(50),
  /**
   * Busy time of the event loop in a tick (per second of a tick longer than 1 s) under which the
   * tick is quiet, 0–100ms. After 10 quiet
   * ticks in a row the delay timer pauses (an idle process is not woken 20 times a second) and
   * callbacks shorter than this read as on time; the first busier tick starts it again and counts
   * one sample as late by that tick's whole busy time (an upper bound: such a stall shows at full
   * length). 0 keeps the timer always on (real samples, more CPU).
   * @default 10
   */
  eventLoopQuietMs: schemas.duration(undefined, { min: '0ms', max: '100ms' }).default(10),
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
      /** Post alerts to an Alertmanager's API v2 (firing, resent while firing, and resolved). */
      alertmanager: z
        .strictObject({
          /** Base URL, e.g. `http://alertmanager:9093`. */
          url: z.url(),
          /** Firing alerts are posted again this often. @default '1m' */
          resendInterval: schemas.duration().default(60_000),
          /** @default 5000 */
          timeoutMs: schemas.duration().default(5000),
          /** Link back to the alert's source. @default `http://<hostname>:<http.port>/api/alerts` */
          generatorURL: z.url().optional(),
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
      /**
       * Shortest history a projection is fitted on; nothing is projected from less. Longer
       * windows (doubling, up to `maxWindow`) are tried too, and a fit over W projects at most
       * 4 W ahead, so the window grows with the horizon. @default '30m'
       */
      window: schemas
        .duration()
        .default(30 * 60_000)
        .refine((ms) => ms >= 10 * 60_000 && ms <= 7 * 86_400_000, {
          error: 'must be between "10m" and "7d"',
        }),
      /** Longest history kept (one point a minute) and fitted. @default '12h' */
      maxWindow: schemas
        .duration()
        .default(12 * 3_600_000)
        .refine((ms) => ms >= 10 * 60_000 && ms <= 7 * 86_400_000, {
          error: 'must be between "10m" and "7d"',
        }),
      /** R² a fit must reach to project: the line must explain the data. @default 0.8 */
      minFit: schemas.ratio().default(0.8),
      /**
       * The critical rule pages only under real pressure: free below this share of the memory
       * (or container limit, or filesystem), or a trend seen for as long as the time it leaves.
       * @default 0.15
       */
      pressure: schemas.ratio().default(0.15),
      /** Warning when projected full within this. @default '48h' */
      warning: schemas
        .duration()
        .default(48 * 3_600_000)
        .refine((ms) => ms > 0 && ms <= 365 * 86_400_000, {
          error: 'must be a duration between "1s" and "365d"',
        }),
      /** Critical when projected full within this (and confirmed, see `pressure`). @default '24h' */
      critical: schemas
        .duration()
        .default(24 * 3_600_000)
        .refine((ms) => ms > 0 && ms <= 365 * 86_400_000, {
          error: 'must be a duration between "1s" and "365d"',
        }),
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
