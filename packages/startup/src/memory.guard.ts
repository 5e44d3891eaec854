import type { Cancel, Clock } from '@vitals/core';
import { MemoryWatch } from './memory.watch';

/** Options of {@link MemoryGuard}. */
export interface MemoryGuardOptions {
  readonly clock: Clock;
  /** @default 1000 */
  readonly intervalMs?: number;
  readonly readRss: (pid: number) => number | undefined;
  /** The RSS ceiling, bytes; without it readings are only reported. */
  readonly maxMemoryBytes?: number;
  /** How long RSS must stay over the ceiling. @default 30000 */
  readonly maxMemoryForMs?: number;
  readonly onReading: (pid: number, rssBytes: number) => void;
  readonly onOver: (pid: number, rssBytes: number, sinceMs: number) => void;
  /** The ceiling was exceeded long enough; return true when a restart begins (checks stop). */
  readonly onCeiling: (pid: number, rssBytes: number, overForMs: number) => boolean;
  /** A reading threw (EMFILE, EIO): reported, and the next reading is still scheduled. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Samples one child's RSS on the clock and feeds a {@link MemoryWatch}: every reading is reported
 * (for the metric stream), a reading over the ceiling is reported, and a sustained excess calls
 * `onCeiling`. One child at a time: `start(pid)` forgets the previous one.
 * @example guard.start(child.pid); ... guard.stop();
 */
export class MemoryGuard {
  private cancel: Cancel | undefined;
  private readonly watch: MemoryWatch | undefined;

  constructor(private readonly options: MemoryGuardOptions) {
    const { maxMemoryBytes, maxMemoryForMs = 30_000 } = options;
    this.watch =
      maxMemoryBytes === undefined ? undefined : new MemoryWatch(maxMemoryBytes, maxMemoryForMs);
  }

  /** Starts sampling `pid` (stops sampling any other). */
  start(pid: number): void {
    this.stop();
    this.watch?.reset();
    this.schedule(pid);
  }

  /** Stops sampling. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private schedule(pid: number): void {
    this.cancel = this.options.clock.setTimeout(
      () => this.check(pid),
      this.options.intervalMs ?? 1000,
    );
  }

  private check(pid: number): void {
    this.cancel = undefined;
    try {
      if (this.read(pid)) return;
    } catch (error) {
      // The supervisor never dies of a failed reading (issue 11: EMFILE from this timer ended it).
      this.options.onError?.(error);
    }
    this.schedule(pid);
  }

  /** One reading; true when a restart began (no more readings for this child). */
  private read(pid: number): boolean {
    const { readRss, clock } = this.options;
    const rss = readRss(pid);
    if (rss === undefined) return false;
    this.options.onReading(pid, rss);
    const verdict = this.watch?.observe(clock.now(), rss);
    if (verdict?.action === 'over') this.options.onOver(pid, rss, verdict.sinceMs);
    return verdict?.action === 'restart' && this.options.onCeiling(pid, rss, verdict.overForMs);
  }
}
