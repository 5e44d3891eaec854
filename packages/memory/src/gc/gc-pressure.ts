/**
 * The fraction of wall time spent in GC over a sliding window: the sum of the pause durations
 * that ended inside the window, divided by the window (or by the time observed so far, when
 * shorter). Near 1 a process is in a GC death spiral, minutes from an out-of-memory crash.
 *
 * @example
 * const p = new GcPressure(60_000);
 * p.record(clock.now(), 12); // a 12 ms pause
 * p.ratio(clock.now());
 */
export class GcPressure {
  private readonly ends: number[] = [];
  private readonly durations: number[] = [];
  private sum = 0;
  private firstAt: number | undefined;

  /** @param windowMs sliding window. @default 60000 */
  constructor(readonly windowMs = 60_000) {}

  /** Records one pause of `durationMs` that ended at `atMs`. */
  record(atMs: number, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    this.firstAt ??= atMs - durationMs;
    this.ends.push(atMs);
    this.durations.push(durationMs);
    this.sum += durationMs;
  }

  /** Starts the observed period (so a quiet start counts as time without GC). */
  begin(atMs: number): void {
    this.firstAt ??= atMs;
  }

  /** GC time / wall time over the window ending at `nowMs`, 0–1. */
  ratio(nowMs: number): number {
    const from = nowMs - this.windowMs;
    while (this.ends.length > 0 && this.ends[0] < from) {
      this.ends.shift();
      this.sum -= this.durations.shift() ?? 0;
    }
    if (this.firstAt === undefined) return 0;
    const observed = Math.min(this.windowMs, nowMs - this.firstAt);
    return observed <= 0 ? 0 : Math.min(1, Math.max(0, this.sum / observed));
  }
}
