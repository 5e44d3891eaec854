import type { Cancel, Clock } from '@vitals/core';
import { MemoryWatch } from './memory.watch';

/**
 * While the agent's reports bring the readings, the timer looks this many intervals after the last
 * report whether they still come; after the last report, readings go on from the timer within
 * this many intervals. So when reports stop (a hung child, a dead channel) the longest gap between
 * two readings is 5 intervals (5 s by default) instead of 1, once: a sustained excess is restarted
 * at most 4 intervals later than with a reading every interval (at most 35 s after the excess
 * began instead of 31 s at the defaults), and only in that case; while reports come, every
 * reading rides on one. The timer costs one wake-up per 5 intervals (one per 3 before: ~80 µs
 * each on a small VM).
 */
const LED_FALLBACK_INTERVALS = 5;

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
 * Samples one child's RSS every `intervalMs` and feeds a {@link MemoryWatch}: every reading is
 * reported (for the metric stream), a reading over the ceiling is reported, and a sustained excess
 * calls `onCeiling`. One child at a time: `start(pid)` forgets the previous one.
 *
 * Wake-ups are much of what an idle supervisor pays for, so the guard rides on the wake-ups that
 * happen anyway: {@link piggyback}, called when the child's agent reports, takes the reading then
 * if it is due within a quarter interval. While the reports bring the readings, the guard's own
 * timer only checks every 5 intervals that they still come; without reports (a hung or non-Node
 * child) the timer takes a reading every interval.
 * @example guard.start(child.pid); agent.on('report', () => guard.piggyback()); ... guard.stop();
 */
export class MemoryGuard {
  private cancel: Cancel | undefined;
  private pid: number | undefined;
  private lastAt = 0;
  /** When the agent last reported (clock ms). */
  private lastReportAt = -Infinity;
  private readonly watch: MemoryWatch | undefined;
  private readonly intervalMs: number;
  /** How early a piggybacked reading may come; a report this late still counts as on time. */
  private readonly slackMs: number;

  constructor(private readonly options: MemoryGuardOptions) {
    const { maxMemoryBytes, maxMemoryForMs = 30_000 } = options;
    this.watch =
      maxMemoryBytes === undefined ? undefined : new MemoryWatch(maxMemoryBytes, maxMemoryForMs);
    this.intervalMs = options.intervalMs ?? 1000;
    this.slackMs = Math.floor(this.intervalMs / 4);
  }

  /** Starts sampling `pid` (stops sampling any other); the first reading comes after an interval. */
  start(pid: number): void {
    this.stop();
    this.watch?.reset();
    this.pid = pid;
    this.lastReportAt = -Infinity;
    this.lastAt = this.options.clock.now();
    this.schedule(pid, this.intervalMs);
  }

  /** Stops sampling. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.pid = undefined;
  }

  /**
   * The agent reported, so the process is awake anyway: a reading due within a quarter interval
   * is taken now, sharing this wake-up. The timer is left alone (moving a Node timer later still
   * costs a wake-up at its old time); when it fires soon after a report it takes no reading and
   * looks again later, so the next report takes it and the readings follow the reports.
   */
  piggyback(): void {
    const pid = this.pid;
    if (pid === undefined || this.cancel === undefined) return;
    const now = this.options.clock.now();
    this.lastReportAt = now;
    if (now - this.lastAt >= this.intervalMs - this.slackMs) this.read(pid, now);
  }

  private schedule(pid: number, delayMs: number): void {
    this.cancel = this.options.clock.setTimeout(() => this.onTimer(pid), delayMs);
  }

  /**
   * The timer: a reading when no report came for an interval and a quarter (a hung or non-Node
   * child), then the next one an interval later. While reports come, it takes none and looks
   * again {@link LED_FALLBACK_INTERVALS} intervals after the last report.
   */
  private onTimer(pid: number): void {
    this.cancel = undefined;
    const now = this.options.clock.now();
    if (now - this.lastReportAt <= this.intervalMs + this.slackMs) {
      this.schedule(pid, this.lastReportAt + LED_FALLBACK_INTERVALS * this.intervalMs - now);
      return;
    }
    if (this.read(pid, now) && this.pid === pid && this.cancel === undefined)
      this.schedule(pid, this.intervalMs);
  }

  /** One reading at `now`; false when a restart began (no more readings for this child). */
  private read(pid: number, now: number): boolean {
    this.lastAt = now;
    try {
      if (this.observe(pid)) {
        this.stop();
        return false;
      }
    } catch (error) {
      // The supervisor never dies of a failed reading (issue 11: EMFILE from this timer ended it).
      this.options.onError?.(error);
    }
    return true;
  }

  /** One reading; true when a restart began. */
  private observe(pid: number): boolean {
    const { readRss, clock } = this.options;
    const rss = readRss(pid);
    if (rss === undefined) return false;
    this.options.onReading(pid, rss);
    const verdict = this.watch?.observe(clock.now(), rss);
    if (verdict?.action === 'over') this.options.onOver(pid, rss, verdict.sinceMs);
    return verdict?.action === 'restart' && this.options.onCeiling(pid, rss, verdict.overForMs);
  }
}
