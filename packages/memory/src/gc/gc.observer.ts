import { PerformanceObserver, constants } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { Histogram } from '@vitals/core';
import type { Clock } from '@vitals/core';
import { GcPressure } from './gc-pressure';

/** GC kinds as prom-client labels them. */
export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb';

/** What is known right after a major GC. */
export interface MajorGcPoint {
  /** Host clock, ms. */
  readonly at: number;
  /** JS heap used right after the GC. */
  readonly heapUsedBytes: number;
  /** External memory (includes array buffers) right after the GC. */
  readonly externalBytes: number;
  readonly durationMs: number;
  /** The GC entry's `startTime` (`performance.now()` timeline, ms), when the entry gave one. */
  readonly startTime?: number;
}

const KINDS: Record<number, GcKind> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** GC pause buckets, seconds: prom-client's `nodejs_gc_duration_seconds` defaults, so its dashboards' queries mean the same. */
const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];

/**
 * Watches `gc` performance entries: a pause histogram and a count per kind, the heap after each
 * major GC (the leak detector's baseline) and GC pressure. Entries arrive asynchronously, just
 * after the GC; the heap is read at that moment.
 *
 * @example
 * const gc = new GcObserver(systemClock);
 * gc.onMajor((p) => detector.add(p.at, p.heapUsedBytes));
 * gc.start();
 */
export class GcObserver {
  /** Pause histograms by kind. */
  readonly histograms = new Map<GcKind, Histogram>();
  readonly pressure: GcPressure;
  /** GCs seen since start. */
  total = 0;
  /** The last major GC, if any. */
  lastMajor: MajorGcPoint | undefined;
  private observer: PerformanceObserver | undefined;
  private readonly listeners: ((p: MajorGcPoint) => void)[] = [];

  /** @param pressureWindowMs GC pressure window. @default 60000 */
  constructor(
    private readonly clock: Clock,
    pressureWindowMs = 60_000,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.pressure = new GcPressure(pressureWindowMs);
    for (const kind of Object.values(KINDS)) this.histograms.set(kind, new Histogram(GC_BUCKETS));
  }

  /** Calls `fn` after every major GC; a throwing listener is reported and the rest still run. */
  onMajor(fn: (p: MajorGcPoint) => void): void {
    this.listeners.push(fn);
  }

  /** Starts observing. Idempotent. */
  start(): void {
    if (this.observer) return;
    this.pressure.begin(this.clock.now());
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.record(entry);
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops observing. Idempotent. */
  stop(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  /** Records one `gc` entry (public so tests can feed entries). */
  record(
    entry: Pick<PerformanceEntry, 'duration'> & { detail?: unknown; startTime?: number },
  ): void {
    const kind = KINDS[(entry.detail as { kind?: number } | undefined)?.kind ?? -1] ?? 'minor';
    const now = this.clock.now();
    this.total++;
    this.histograms.get(kind)?.observe(entry.duration / 1000);
    this.pressure.record(now, entry.duration);
    if (kind !== 'major') return;
    const point: MajorGcPoint = {
      at: now,
      heapUsedBytes: getHeapStatistics().used_heap_size,
      externalBytes: process.memoryUsage().external,
      durationMs: entry.duration,
      ...(entry.startTime !== undefined && { startTime: entry.startTime }),
    };
    this.lastMajor = point;
    for (const fn of this.listeners) {
      try {
        fn(point);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
