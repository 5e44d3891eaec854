import { performance } from 'node:perf_hooks';
import type { Observable } from 'rxjs';
import { Subject } from 'rxjs/internal/Subject';
import { METRICS, describeError, withDeadline } from '@vitals/core';
import type {
  Cancel,
  Clock,
  Collector,
  Logger,
  MetricBatch,
  MetricStream,
  Sample,
} from '@vitals/core';
import { MONITOR_METRICS } from '../monitor.metrics';

/** Options of {@link CollectScheduler}. */
export interface SchedulerOptions {
  /** Time between tick starts, ms. @default 1000 */
  readonly intervalMs?: number;
  /** Deadline of a collector without its own `timeoutMs`, ms. @default 500 */
  readonly timeoutMs?: number;
  /** At most one log line per failing collector per this many ms. @default 60000 */
  readonly logEveryMs?: number;
}

/** What one tick did, as `ticks$` emits it. */
export interface TickReport {
  /** Tick time (host clock), also the `at` of its batches. */
  readonly at: number;
  /** Real time the tick took, ms. */
  readonly durationMs: number;
  /** Collectors that threw, hung past their deadline, or were still busy from an earlier tick. */
  readonly failures: readonly {
    readonly collector: string;
    readonly message: string;
    readonly timedOut: boolean;
  }[];
}

type Failure = TickReport['failures'][number];

/**
 * Runs collectors on a fixed cadence and publishes their batches on the stream: the first tick
 * at `start()`, then one every `intervalMs`; a tick never overlaps the previous one (a long tick
 * pushes the next to the following slot). Every collector runs concurrently with its own deadline
 * and publishes as soon as it is done. A collector that throws, misses its deadline, or is still
 * running from an earlier tick (it is then not called again) counts in
 * `vitals_collector_errors_total{collector}` and is logged at most once per `logEveryMs`; the
 * others keep publishing. Each tick also publishes the collectors' durations.
 *
 * A synchronous collector cannot be interrupted; deadlines apply to asynchronous ones.
 *
 * @example
 * const scheduler = new CollectScheduler([new CpuCollector()], stream, logger, systemClock, { intervalMs: 1000 });
 * scheduler.start(); … await scheduler.stop();
 */
export class CollectScheduler {
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly logEveryMs: number;
  private readonly errors = new Map<string, number>();
  private readonly durations = new Map<string, number>();
  private readonly busy = new Set<string>();
  private readonly lastLog = new Map<string, { at: number; suppressed: number }>();
  private readonly labels = new Map<string, { collector: string }>();
  private readonly tickSubject = new Subject<TickReport>();
  private timer?: Cancel;
  private current?: Promise<TickReport>;
  private running = false;

  /** Every finished tick. */
  readonly ticks$: Observable<TickReport> = this.tickSubject.asObservable();

  constructor(
    private readonly collectors: readonly Collector[],
    private readonly stream: MetricStream,
    private readonly logger: Logger,
    private readonly clock: Clock,
    options: SchedulerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 500;
    this.logEveryMs = options.logEveryMs ?? 60_000;
    for (const c of collectors) this.errors.set(c.name, 0);
  }

  /** True between `start()` and `stop()`. */
  get started(): boolean {
    return this.running;
  }

  /** Starts ticking; the first tick runs now. Calling it again is a no-op. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  /** Stops ticking and waits for the tick in flight (bounded by the collectors' deadlines). Idempotent. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.();
    this.timer = undefined;
    await this.current;
  }

  /** Runs one tick now, or returns the tick in flight (ticks never overlap). */
  tick(): Promise<TickReport> {
    this.current ??= this.runTick().finally(() => (this.current = undefined));
    return this.current;
  }

  private async loop(): Promise<void> {
    const started = this.clock.now();
    await this.tick();
    if (!this.running) return;
    const elapsed = this.clock.now() - started;
    // An overrun skips the missed slots instead of ticking back to back.
    const delay =
      elapsed < this.intervalMs
        ? this.intervalMs - elapsed
        : this.intervalMs - (elapsed % this.intervalMs);
    this.timer = this.clock.setTimeout(() => void this.loop(), delay);
  }

  private async runTick(): Promise<TickReport> {
    const at = this.clock.now();
    const t0 = performance.now();
    const failures: Failure[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < this.collectors.length; i++) {
      const p = this.runOne(this.collectors[i], at, failures);
      if (p) pending.push(p);
    }
    if (pending.length > 0) await Promise.all(pending);
    const durationMs = performance.now() - t0;
    this.publish(
      { source: 'monitor.scheduler', at, samples: this.ownSamples(durationMs) },
      'monitor.scheduler',
      failures,
    );
    const report: TickReport = { at, durationMs, failures };
    this.tickSubject.next(report);
    return report;
  }

  /** Runs one collector; returns a promise only when it went asynchronous. */
  private runOne(c: Collector, at: number, failures: Failure[]): Promise<void> | undefined {
    if (this.busy.has(c.name)) {
      this.fail(c.name, 'still running from an earlier tick', true, failures);
      return undefined;
    }
    const t0 = performance.now();
    let result: ReturnType<Collector['collect']>;
    try {
      result = c.collect();
    } catch (error) {
      this.fail(c.name, describeError(error), false, failures);
      return undefined;
    }
    if (!isPromise(result)) {
      this.durations.set(c.name, performance.now() - t0);
      this.publish(toBatch(c.name, at, result), c.name, failures);
      return undefined;
    }
    this.busy.add(c.name);
    const work = result.finally(() => this.busy.delete(c.name));
    const timeout = c.timeoutMs ?? this.timeoutMs;
    return withDeadline(() => work, timeout, `collector "${c.name}"`, this.clock).then((r) => {
      this.durations.set(c.name, performance.now() - t0);
      if (r.ok) this.publish(toBatch(c.name, at, r.value), c.name, failures);
      else this.fail(c.name, describeError(r.error), r.timedOut, failures);
    });
  }

  private publish(batch: MetricBatch, name: string, failures: Failure[]): void {
    try {
      this.stream.publish(batch);
    } catch (error) {
      this.fail(name, describeError(error), false, failures);
    }
  }

  private fail(collector: string, message: string, timedOut: boolean, failures: Failure[]): void {
    failures.push({ collector, message, timedOut });
    this.errors.set(collector, (this.errors.get(collector) ?? 0) + 1);
    const now = this.clock.now();
    const last = this.lastLog.get(collector);
    if (last && now - last.at < this.logEveryMs) {
      last.suppressed++;
      return;
    }
    this.lastLog.set(collector, { at: now, suppressed: 0 });
    this.logger.warn(
      {
        collector,
        err: message,
        timedOut,
        suppressed: last?.suppressed ?? 0,
        errors: this.errors.get(collector),
      },
      `collector "${collector}" failed; the others keep publishing`,
    );
  }

  private label(collector: string): { collector: string } {
    let l = this.labels.get(collector);
    if (!l) this.labels.set(collector, (l = Object.freeze({ collector })));
    return l;
  }

  private ownSamples(durationMs: number): Sample[] {
    const out: Sample[] = [];
    // forEach, not for…of: no iterator result per entry on every tick.
    this.errors.forEach((n, collector) =>
      out.push({ name: METRICS.collectorErrors, value: n, labels: this.label(collector) }),
    );
    this.durations.forEach((ms, collector) =>
      out.push({
        name: METRICS.collectorDuration,
        value: ms / 1000,
        labels: this.label(collector),
      }),
    );
    out.push({ name: MONITOR_METRICS.tickDuration, value: durationMs / 1000 });
    return out;
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

function toBatch(source: string, at: number, result: MetricBatch | readonly Sample[]): MetricBatch {
  return Array.isArray(result)
    ? { source, at, samples: result as readonly Sample[] }
    : (result as MetricBatch);
}
