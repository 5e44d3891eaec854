/** Options of {@link RestartPolicy}. */
export interface RestartPolicyOptions {
  /** Restarts allowed within `restartWindowMs`. @default 10 */
  readonly maxRestarts?: number;
  /** @default 60000 */
  readonly restartWindowMs?: number;
  /** @default 100 */
  readonly backoffInitialMs?: number;
  /** @default 15000 */
  readonly backoffMaxMs?: number;
  /** A run at least this long resets the delay. @default 30000 */
  readonly backoffResetMs?: number;
}

/** What to do after a crash. */
export type RestartDecision =
  | { readonly restart: true; readonly delayMs: number; readonly attempt: number }
  | { readonly restart: false; readonly restarts: number; readonly windowMs: number };

/**
 * Exponential backoff with a restart limit in a sliding window. Crashes in a row double the delay
 * (100 ms, 200 ms, 400 ms … up to the maximum); a child that stayed up `backoffResetMs` starts
 * again from the first delay; more than `maxRestarts` restarts within `restartWindowMs`: give up.
 * Pure: the caller passes the time, so tests need no clock.
 * @example
 * const policy = new RestartPolicy({ maxRestarts: 3 });
 * const d = policy.onCrash(now, uptimeMs); // { restart: true, delayMs: 100, attempt: 1 }
 */
export class RestartPolicy {
  private readonly maxRestarts: number;
  private readonly windowMs: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly resetAfterMs: number;
  private readonly times: number[] = [];
  private streak = 0;

  constructor(options: RestartPolicyOptions = {}) {
    this.maxRestarts = options.maxRestarts ?? 10;
    this.windowMs = options.restartWindowMs ?? 60_000;
    this.initialDelayMs = options.backoffInitialMs ?? 100;
    this.maxDelayMs = options.backoffMaxMs ?? 15_000;
    this.resetAfterMs = options.backoffResetMs ?? 30_000;
  }

  /** Restarts counted in the window ending at `now`. */
  restartsWithin(now: number): number {
    while (this.times.length > 0 && this.times[0] <= now - this.windowMs) this.times.shift();
    return this.times.length;
  }

  /** A restart that is not a crash (memory ceiling): counts toward the limit, no delay. */
  recordRestart(now: number): boolean {
    if (this.restartsWithin(now) >= this.maxRestarts) return false;
    this.times.push(now);
    return true;
  }

  /** Decides after a crash of a child that ran `uptimeMs`. */
  onCrash(now: number, uptimeMs: number): RestartDecision {
    if (uptimeMs >= this.resetAfterMs) this.streak = 0;
    const restarts = this.restartsWithin(now);
    if (restarts >= this.maxRestarts) return { restart: false, restarts, windowMs: this.windowMs };
    this.times.push(now);
    const delayMs = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** this.streak);
    this.streak++;
    return { restart: true, delayMs, attempt: restarts + 1 };
  }
}
