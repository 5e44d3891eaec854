import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';
import { formatDuration } from '@vitals/core';
import { LeakDetector } from './leak.detector';
import type { LeakAssessment, LeakDetectorOptions } from './leak.detector';
import type { MajorGcPoint } from '../gc/gc.observer';

/** Which baseline: the JS heap, or external memory (Buffers, array buffers). */
export type LeakKind = 'heap' | 'external';

/** A change of verdict, or a fresh estimate while leaking. */
export interface LeakEvent {
  readonly kind: LeakKind;
  /** `detected` on the first leaking verdict, `update` while it lasts, `cleared` when it ends. */
  readonly state: 'detected' | 'update' | 'cleared';
  readonly at: number;
  readonly assessment: LeakAssessment;
  /** One line: rate in MB/h, confidence, window and projected time to the limit. */
  readonly message: string;
}

/**
 * Runs one {@link LeakDetector} on the heap after each major GC and one on external memory, and
 * reports verdicts as {@link LeakEvent}s (at most one assessment per `assessEveryMs`).
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
  private readonly subject = new Subject<LeakEvent>();
  private lastAssess = -Infinity;
  /** Every verdict change and, while leaking, every new estimate. */
  readonly events$: Observable<LeakEvent> = this.subject.asObservable();

  constructor(
    options: LeakDetectorOptions = {},
    private readonly heapLimit: () => number | undefined = () => undefined,
    private readonly assessEveryMs = 5_000,
  ) {
    this.detectors = { heap: new LeakDetector(options), external: new LeakDetector(options) };
  }

  /** Feeds one post-GC point; assesses when `assessEveryMs` has passed. */
  add(point: MajorGcPoint): void {
    this.detectors.heap.add(point.at, point.heapUsedBytes);
    this.detectors.external.add(point.at, point.externalBytes);
    if (point.at - this.lastAssess < this.assessEveryMs) return;
    this.lastAssess = point.at;
    for (const kind of ['heap', 'external'] as const) this.assess(kind, point.at);
  }

  /** The current leak rate of `kind`, bytes/s (0 when not leaking). */
  rate(kind: LeakKind): number {
    return this.leaking[kind]?.rateBytesPerSecond ?? 0;
  }

  /** The latest verdict of each baseline. */
  assessments(atMs?: number): Record<LeakKind, LeakAssessment> {
    return {
      heap: this.detectors.heap.assess(atMs, this.heapLimit()),
      external: this.detectors.external.assess(atMs),
    };
  }

  /** Forgets both baselines (after a forced GC or cleanup). */
  reset(): void {
    this.detectors.heap.reset();
    this.detectors.external.reset();
  }

  /** Completes `events$`. */
  close(): void {
    this.subject.complete();
  }

  private assess(kind: LeakKind, at: number): void {
    const a = this.detectors[kind].assess(at, kind === 'heap' ? this.heapLimit() : undefined);
    const was = this.leaking[kind];
    if (!a.leaking && !was) return;
    this.leaking[kind] = a.leaking ? a : undefined;
    const state = a.leaking ? (was ? 'update' : 'detected') : 'cleared';
    this.subject.next({ kind, state, at, assessment: a, message: describeLeak(kind, a) });
  }
}

/** One line for a verdict: rate, confidence, window, projected time to the limit. */
export function describeLeak(kind: LeakKind, a: LeakAssessment): string {
  const what =
    kind === 'heap' ? 'JS heap (post-GC baseline)' : 'external memory (Buffers/ArrayBuffers)';
  if (!a.leaking) return `${what}: no leak (${a.reason})`;
  const limit =
    a.timeToLimitMs === undefined
      ? 'no limit to project to'
      : `heap limit in ~${formatDuration(a.timeToLimitMs)}`;
  return `leak suspected in ${what}: +${a.rateMBPerHour.toFixed(1)} MB/h, confidence ${a.confidence.toFixed(2)}, over ${formatDuration(a.windowMs)}; ${limit}`;
}
