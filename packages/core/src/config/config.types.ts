/** The HTTP server's configuration. */
export interface HttpConfig {
  /** @default 9477 */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host: string;
  /** Required when `host` is not loopback; checked on every request (Bearer header or `?token=`). */
  readonly token?: string;
  /** Largest request body accepted; larger gets 413. @default 1048576 */
  readonly maxBodyBytes: number;
  /**
   * Connections open at once, at most (1–10000); more are closed on accept, so a flood cannot
   * use up the file descriptors collectors need. @default 256
   */
  readonly maxConnections?: number;
}

/** Bounds of the in-memory history. */
export interface HistoryConfig {
  /** Points kept per series (900 = 15 minutes at 1 Hz). @default 900 */
  readonly capacity: number;
  /** Series kept at most; new series past it are dropped with one warning. @default 2000 */
  readonly maxSeries: number;
}

/**
 * Shared thresholds: the monitor's default alert rules and the diagnostics checks both read these,
 * so a report and an alert never disagree about what is too much.
 */
export interface Thresholds {
  /** System (or container) memory used, ratio 0–1. @default 0.8 */
  readonly memoryUsedRatio: number;
  /** Swap in use, bytes. @default 500 MB */
  readonly swapUsedBytes: number;
  /** CPU utilisation, ratio 0–1. @default 0.9 */
  readonly cpuRatio: number;
  /** Disk used per filesystem, ratio 0–1. @default 0.85 */
  readonly diskUsedRatio: number;
  /** Open file descriptors. @default 500 */
  readonly openFds: number;
  /** Open file descriptors against the process's own soft limit, ratio 0–1. @default 0.8 */
  readonly openFdsLimitRatio: number;
  /** Threads of the process. @default 50 */
  readonly threads: number;
  /** Operation response time, ms. @default 5000 */
  readonly operationMs: number;
  /** Event-loop delay p99, ms. @default 200 */
  readonly eventLoopDelayP99Ms: number;
}

/** The whole configuration: core sections plus one section per plugin, keyed by plugin name. */
export interface VitalsConfig {
  /** Plugins to load by package name; default: every installed `@vitals/*` plugin. */
  readonly plugins?: readonly string[];
  readonly http: HttpConfig;
  readonly history: HistoryConfig;
  readonly thresholds: Thresholds;
  /** Deadline for each plugin's start, ms. @default 10000 */
  readonly startTimeoutMs: number;
  /** Deadline for each plugin's stop, and for all shutdown hooks together, ms. @default 5000 */
  readonly stopTimeoutMs: number;
  /** @default { level: 'info' } */
  readonly log: { readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' };
  /** Environment variables that must be set (checked by diagnostics). @default [] */
  readonly requiredEnv: readonly string[];
  /** Plugin sections. */
  readonly [section: string]: unknown;
}
