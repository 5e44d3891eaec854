import { Subject } from 'rxjs/internal/Subject';
import type { Observable } from 'rxjs';
import { METRICS } from '@vitals/core';
import type { MetricBatch, Sample } from '@vitals/core';
import { LeakMonitor } from './leak.monitor';
import type { LeakEvent, LeakKind } from './leak.monitor';
import type { LeakDetectorOptions } from './leak.detector';

/** Tuning of {@link BaselineReader}. */
export interface BaselineReaderOptions {
  readonly detector?: LeakDetectorOptions;
  /** Services (distinct `service` label values) watched at once; more are ignored. @default 64 */
  readonly maxServices?: number;
  /** A service with no baseline for this long is forgotten, ms. @default 1800000 (30 min) */
  readonly forgetAfterMs?: number;
  /** At most one assessment per service per this period, ms. @default 5000 */
  readonly assessEveryMs?: number;
  /** A leak is reported once the detector has said so for this long without a "no", ms. @default 10000 */
  readonly confirmMs?: number;
  /** This process's heap limit (for the unlabelled baseline). */
  readonly ownHeapLimit?: () => number | undefined;
}

/** What the reader knows of one process (this one: key `''`). */
interface Watched {
  readonly monitor: LeakMonitor;
  lastSeen: number;
  pid: string | undefined;
  restarts: number | undefined;
  heapLimit: number | undefined;
}

/** The supervisor's gauge of its child's pid (@vitals/startup): a new value is a new process. */
const CHILD_PID = 'vitals_supervisor_child_pid';

const BASELINES: Record<string, LeakKind> = {
  [METRICS.heapAfterGcBytes]: 'heap',
  [METRICS.externalAfterGcBytes]: 'external',
};

/**
 * Reads post-GC baselines from the metric stream, whoever published them — this process's GC
 * observer (no `service` label) or a supervisor for its child (`{service}`) — and runs one
 * {@link LeakMonitor} (heap and external detectors) per `service` label value. The time of a point
 * is its batch's `at` (the GC time). A restart of a service (`vitals_supervisor_restarts_total`
 * changed, or its pid changed: `vitals_supervisor_child_pid{service}` or a `pid` label on its
 * baselines) starts that service afresh; a service with no
 * baseline for `forgetAfterMs` is forgotten; at most `maxServices` are watched.
 *
 * @example
 * const reader = new BaselineReader({ ownHeapLimit: () => v8.getHeapStatistics().heap_size_limit });
 * stream.batches$.subscribe((b) => reader.ingest(b));
 * reader.events$.subscribe((e) => logger.warn(e.message));
 */
export class BaselineReader {
  private readonly watched = new Map<string, Watched>();
  private readonly restartCounts = new Map<string, number>();
  private readonly subject = new Subject<LeakEvent>();
  private readonly assessedFns: ((service: string | undefined, at: number) => void)[] = [];
  private readonly forgottenFns: ((service: string) => void)[] = [];
  private readonly addedFns: ((service: string) => void)[] = [];
  private readonly o: Required<Omit<BaselineReaderOptions, 'detector' | 'ownHeapLimit'>>;
  private lastSweep = -Infinity;
  /** Leak events of every watched process. */
  readonly events$: Observable<LeakEvent> = this.subject.asObservable();

  constructor(private readonly options: BaselineReaderOptions = {}) {
    this.o = {
      maxServices: options.maxServices ?? 64,
      forgetAfterMs: options.forgetAfterMs ?? 1_800_000,
      assessEveryMs: options.assessEveryMs ?? 5_000,
      confirmMs: options.confirmMs ?? 10_000,
    };
  }

  /** Calls `fn(service, at)` after each assessment of a process (service undefined: this one). */
  onAssessed(fn: (service: string | undefined, at: number) => void): void {
    this.assessedFns.push(fn);
  }

  /** Calls `fn(service)` when a service is first watched. */
  onAdded(fn: (service: string) => void): void {
    this.addedFns.push(fn);
  }

  /** Calls `fn(service)` when a service is forgotten. */
  onForgotten(fn: (service: string) => void): void {
    this.forgottenFns.push(fn);
  }

  /** The monitor of `service` (undefined: this process), if watched. */
  monitor(service?: string): LeakMonitor | undefined {
    return this.watched.get(service ?? '')?.monitor;
  }

  /** The services watched now (not this process). */
  services(): string[] {
    return [...this.watched.keys()].filter((k) => k !== '');
  }

  /** Reads one batch: baselines, heap limits and restart counters. Never throws on bad samples. */
  ingest(batch: MetricBatch): void {
    const at = batch.at;
    if (!Number.isFinite(at)) return;
    for (const s of batch.samples) {
      if (s.name === METRICS.heapLimitBytes) this.heapLimit(s);
      else if (s.name === METRICS.serviceRestarts) this.restarts(s, at);
      else if (s.name === CHILD_PID && s.labels?.service !== undefined && s.value > 0)
        this.newPid(s.labels.service, String(s.value), at);
    }
    for (const s of batch.samples) {
      const kind = BASELINES[s.name];
      if (kind !== undefined) this.baseline(kind, s, at);
    }
    if (at - this.lastSweep >= 60_000) {
      this.lastSweep = at;
      this.sweep(at);
    }
  }

  /** Forgets every baseline of this process (after a cleanup changed it on purpose). */
  resetOwn(at?: number): void {
    this.watched.get('')?.monitor.reset(at, 'caches cleared: baseline restarted');
  }

  /** Completes `events$`. */
  close(): void {
    this.subject.complete();
  }

  private baseline(kind: LeakKind, s: Sample, at: number): void {
    if (!(s.value >= 0)) return;
    const service = s.labels?.service;
    const w = this.watch(service, at);
    if (!w) return;
    w.lastSeen = at;
    if (s.labels?.pid !== undefined) this.newPid(service ?? '', s.labels.pid, at);
    w.monitor.addPoint(kind, at, s.value);
  }

  /** A pid (label of the baselines, or the supervisor's child-pid gauge) that changed: a new process. */
  private newPid(key: string, pid: string, at: number): void {
    const w = this.watched.get(key);
    if (!w) return;
    if (w.pid !== undefined && pid !== w.pid)
      w.monitor.reset(at, `new process (pid ${w.pid} → ${pid}): fresh baseline`);
    w.pid = pid;
  }

  private heapLimit(s: Sample): void {
    const service = s.labels?.service;
    if (service === undefined) return;
    const w = this.watched.get(service);
    if (w && s.value > 0) w.heapLimit = s.value;
  }

  private restarts(s: Sample, at: number): void {
    const service = s.labels?.service;
    if (service === undefined) return;
    const w = this.watched.get(service);
    if (!w) {
      // Remembered for when its baselines arrive, so a counter seen before them is no restart.
      if (this.restartCounts.size < 4 * this.o.maxServices || this.restartCounts.has(service))
        this.restartCounts.set(service, s.value);
      return;
    }
    // The supervisor publishes the counter when it restarts the child: any change is a restart.
    if (s.value !== (w.restarts ?? 0))
      w.monitor.reset(at, `service restarted (restart ${s.value}): fresh baseline`);
    w.restarts = s.value;
  }

  private watch(service: string | undefined, at: number): Watched | undefined {
    const key = service ?? '';
    const known = this.watched.get(key);
    if (known) return known;
    if (key !== '' && this.services().length >= this.o.maxServices) return undefined;
    const w: Watched = {
      monitor: undefined as unknown as LeakMonitor,
      lastSeen: at,
      pid: undefined,
      restarts: this.restartCounts.get(key),
      heapLimit: undefined,
    };
    this.restartCounts.delete(key);
    const limit = key === '' ? (this.options.ownHeapLimit ?? (() => undefined)) : () => w.heapLimit;
    const monitor = new LeakMonitor(
      this.options.detector,
      limit,
      this.o.assessEveryMs,
      service,
      this.o.confirmMs,
    );
    (w as { monitor: LeakMonitor }).monitor = monitor;
    monitor.events$.subscribe((e) => this.subject.next(e));
    monitor.onAssessed((t) => {
      for (const fn of this.assessedFns) fn(service, t);
    });
    this.watched.set(key, w);
    if (service !== undefined) for (const fn of this.addedFns) fn(service);
    return w;
  }

  private sweep(at: number): void {
    for (const [key, w] of this.watched) {
      if (key === '' || at - w.lastSeen < this.o.forgetAfterMs) continue;
      w.monitor.reset(
        at,
        `no baseline for ${Math.round((at - w.lastSeen) / 60_000)} min: forgotten`,
      );
      w.monitor.close();
      this.watched.delete(key);
      for (const fn of this.forgottenFns) fn(key);
    }
  }
}
