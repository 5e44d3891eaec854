import { Subject } from 'rxjs/internal/Subject';
import type { Observable } from 'rxjs';
import { formatDuration } from '@vitals/core';
import { LeakDetector } from './leak.detector';
import type { LeakAssessment, LeakDetectorOptions } from './leak.detector';
import type { MajorGcPoint } from '../gc/gc.observer';

/** Which baseline: the JS heap, or external memory (Buffers, array buffers). */
export type LeakKind = 'heap' | 'external';

/** The two baselines, in the order they are assessed. */
export const LEAK_KINDS: readonly LeakKind[] = ['heap', 'external'];

/** A change of verdict, or a fresh estimate while leaking. */
export interface LeakEvent {
  readonly kind: LeakKind;
  /** The supervised service (`service` label) whose baseline this is; undefined for this process. */
  readonly service?: string;
  /** `detected` on the first leaking verdict, `update` while it lasts, `cleared` when it ends. */
  readonly state: 'detected' | 'update' | 'cleared';
  readonly at: number;
  readonly assessment: LeakAssessment;
  /** One line: rate in MB/h, confidence, window and projected time to the limit. */
  readonly message: string;
}

/**
 * Runs one {@link LeakDetector} on the heap after each major GC and one on external memory, for
 * one process (this one, or one supervised service), and reports verdicts as {@link LeakEvent}s
 * (at most one assessment per `assessEveryMs`).
 *
 * @example
 * const leaks = new LeakMonitor({}, () => v8.getHeapStatistics().heap_size_limit);
 * gcObserver.onMajor((p) => leaks.add(p));
 * leaks.events$.subscribe((e) => logger.warn(e.message));
 */
export class LeakMonitor {
  private readonly detectors: Record<LeakKind, LeakDetector>;
  private readonly leaking: Record<LeakKind, LeakAssessment | undefined> = {
    heap: undefined,
    external: undefined,
  };
  private readonly latest: Record<LeakKind, LeakAssessment | undefined> = {
    heap: undefined,
    external: undefined,
  };
  /** Since when the detector has said "leak" without a "no" in between (not yet reported). */
  private readonly pendingSince: Record<LeakKind, number | undefined> = {
    heap: undefined,
    external: undefined,
  };
  private readonly subject = new Subject<LeakEvent>();
  private lastAssess = -Infinity;
  private readonly assessed: ((at: number) => void)[] = [];
  /** Every verdict change and, while leaking, every new estimate. */
  readonly events$: Observable<LeakEvent> = this.subject.asObservable();

  constructor(
    options: LeakDetectorOptions = {},
    private readonly heapLimit: () => number | undefined = () => undefined,
    private readonly assessEveryMs = 5_000,
    /** The `service` label this monitor watches; undefined for this process. */
    readonly service?: string,
    /**
     * A leak is reported only once the detector has said so for this long, every assessment in
     * between agreeing (as an alert's `for`): one verdict on a noisy plateau that happened to
     * rise for 45 s is not a leak. @default 10000
     */
    private readonly confirmMs = 10_000,
  ) {
    this.detectors = { heap: new LeakDetector(options), external: new LeakDetector(options) };
  }

  /** Feeds one post-GC point (both baselines); assesses when `assessEveryMs` has passed. */
  add(point: MajorGcPoint): void {
    this.detectors.heap.add(point.at, point.heapUsedBytes);
    this.detectors.external.add(point.at, point.externalBytes);
    this.maybeAssess(point.at);
  }

  /** Feeds one baseline point of one kind (as read from the stream); assesses when due. */
  addPoint(kind: LeakKind, atMs: number, bytes: number): void {
    this.detectors[kind].add(atMs, bytes);
    this.maybeAssess(atMs);
  }

  /** Calls `fn(at)` after every assessment (to publish rate, confidence, time to limit). */
  onAssessed(fn: (at: number) => void): void {
    this.assessed.push(fn);
  }

  /** The current leak rate of `kind`, bytes/s (0 when not leaking). */
  rate(kind: LeakKind): number {
    return this.leaking[kind]?.rateBytesPerSecond ?? 0;
  }

  /** The verdict of the last assessment of `kind` (undefined before the first). */
  lastAssessment(kind: LeakKind): LeakAssessment | undefined {
    return this.latest[kind];
  }

  /** The verdict of each baseline now. */
  assessments(atMs?: number): Record<LeakKind, LeakAssessment> {
    return {
      heap: this.detectors.heap.assess(atMs, this.heapLimit()),
      external: this.detectors.external.assess(atMs),
    };
  }

  /**
   * Forgets both baselines (after a forced cleanup or a restart of the service). A leak that was
   * being reported ends with a `cleared` event whose message says why.
   */
  reset(at?: number, why = 'baseline reset'): void {
    this.detectors.heap.reset();
    this.detectors.external.reset();
    this.lastAssess = -Infinity;
    for (const kind of LEAK_KINDS) {
      this.pendingSince[kind] = undefined;
      const was = this.leaking[kind];
      this.leaking[kind] = undefined;
      this.latest[kind] = undefined;
      if (!was || at === undefined) continue;
      const assessment = { ...was, leaking: false, timeToLimitMs: undefined, reason: why };
      this.emit({ kind, state: 'cleared', at, assessment });
    }
  }

  /** Completes `events$`. */
  close(): void {
    this.subject.complete();
  }

  private maybeAssess(at: number): void {
    if (at - this.lastAssess < this.assessEveryMs) return;
    this.lastAssess = at;
    for (const kind of LEAK_KINDS) this.assess(kind, at);
    for (const fn of this.assessed) fn(at);
  }

  private assess(kind: LeakKind, at: number): void {
    const a = this.detectors[kind].assess(at, kind === 'heap' ? this.heapLimit() : undefined);
    this.latest[kind] = a;
    const was = this.leaking[kind];
    if (!a.leaking) this.pendingSince[kind] = undefined;
    else if (!was) {
      const since = (this.pendingSince[kind] ??= at);
      if (at - since < this.confirmMs) return;
    }
    if (!a.leaking && !was) return;
    this.leaking[kind] = a.leaking ? a : undefined;
    const state = a.leaking ? (was ? 'update' : 'detected') : 'cleared';
    this.emit({ kind, state, at, assessment: a });
  }

  private emit(e: Omit<LeakEvent, 'message' | 'service'>): void {
    const message = describeLeak(e.kind, e.assessment, this.service);
    this.subject.next({
      ...e,
      ...(this.service !== undefined && { service: this.service }),
      message,
    });
  }
}

/** One line for a verdict: whose, rate, confidence, window, projected time to the limit. */
export function describeLeak(kind: LeakKind, a: LeakAssessment, service?: string): string {
  const what =
    (service === undefined ? '' : `service ${JSON.stringify(service)}: `) +
    (kind === 'heap' ? 'JS heap (post-GC baseline)' : 'external memory (Buffers/ArrayBuffers)');
  if (!a.leaking) return `${what}: no leak (${a.reason})`;
  const limit =
    a.timeToLimitMs === undefined
      ? 'no limit to project to'
      : `heap limit in ~${formatDuration(a.timeToLimitMs)}`;
  return `leak suspected in ${what}: +${a.rateMBPerHour.toFixed(1)} MB/h, confidence ${a.confidence.toFixed(2)}, over ${formatDuration(a.windowMs)}; ${limit}`;
}
