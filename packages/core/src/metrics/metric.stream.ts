import { Observable, Subject, filter, mergeMap, from, share } from 'rxjs';
import { VitalsError } from '../errors';
import type { Logger } from '../logging/logger';
import { createNoopLogger } from '../logging/logger';
import { SeriesIndex } from './series.index';
import { NO_LABELS, matchLabels } from './labels';
import type { Labels, MetricBatch, Sample, SeriesValue } from './metric.types';

/** A point of one series, as `series$()` emits it. */
export interface SeriesPoint {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
  readonly at: number;
}

/**
 * The host's one metric stream. Collectors `publish` batches; subscribers read `batches$` or
 * `series$`; `latest()` keeps the last value of every series for exporters that must not
 * recollect. It never hands out its Subject.
 *
 * A subscriber that throws is isolated: RxJS reports the error asynchronously, and the host routes
 * that report to its logger (see `createHost`), so publishing and other subscribers go on.
 */
export class MetricStream {
  private readonly subject = new Subject<MetricBatch>();
  /** Last value per series, looked up without building key strings (the per-sample hot path). */
  private readonly last = new SeriesIndex<{ current: SeriesValue }>();
  private closed = false;

  /** Every published batch, hot (no replay). */
  readonly batches$: Observable<MetricBatch> = this.subject.asObservable();

  constructor(
    private readonly logger: Logger = createNoopLogger(),
    /** Series kept by `latest()` at most; new ones past it are dropped with one warning. */
    private readonly maxSeries = 10_000,
  ) {}

  private warnedFull = false;

  /**
   * Publishes one batch. Malformed samples (no name, non-finite value) are dropped with a warning
   * naming the source; the rest of the batch goes through.
   */
  publish(batch: MetricBatch): void {
    if (this.closed) return;
    if (!batch || typeof batch.source !== 'string' || !Array.isArray(batch.samples)) {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        'publish() needs a batch { source, at, samples[] }',
      );
    }
    let clean = batch;
    for (let i = 0; i < batch.samples.length; i++) {
      const s = batch.samples[i];
      if (typeof s?.name !== 'string' || typeof s.value !== 'number' || Number.isNaN(s.value)) {
        clean = { ...batch, samples: batch.samples.filter(isValidSample) };
        this.logger.warn(
          { source: batch.source, dropped: batch.samples.length - clean.samples.length },
          'dropped malformed samples (each needs a name and a numeric value)',
        );
        break;
      }
    }
    this.remember(clean);
    this.subject.next(clean);
  }

  private remember(batch: MetricBatch): void {
    const samples = batch.samples;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      const slot = this.last.get(s.name, s.labels);
      if (slot !== undefined) {
        slot.current = {
          name: s.name,
          labels: slot.current.labels,
          value: s.value,
          at: batch.at,
          source: batch.source,
        };
        continue;
      }
      if (this.last.size >= this.maxSeries) {
        if (!this.warnedFull) {
          this.warnedFull = true;
          this.logger.warn(
            { maxSeries: this.maxSeries, series: s.name },
            'metric stream series cap reached; new series are not kept in latest()',
          );
        }
        continue;
      }
      const labels = s.labels ?? NO_LABELS;
      this.last.set(s.name, s.labels, {
        current: { name: s.name, labels, value: s.value, at: batch.at, source: batch.source },
      });
    }
  }

  /** Points of one metric, optionally only series whose labels include `labels`. */
  series$(name: string, labels?: Labels): Observable<SeriesPoint> {
    return this.batches$.pipe(
      filter((b) => b.samples.some((s) => s.name === name)),
      mergeMap((b) =>
        from(
          b.samples
            .filter((s) => s.name === name && matchLabels(s.labels, labels))
            .map((s) => ({ name, labels: s.labels ?? NO_LABELS, value: s.value, at: b.at })),
        ),
      ),
      share(),
    );
  }

  /** The last value of every series (or of every series of `name`). */
  latest(name?: string): SeriesValue[] {
    const all = [...this.last.values()].map((slot) => slot.current);
    return name === undefined ? all : all.filter((v) => v.name === name);
  }

  /** The last value of exactly one series, or undefined. O(1). */
  latestValue(name: string, labels?: Labels): SeriesValue | undefined {
    return this.last.get(name, labels)?.current;
  }

  /** Completes `batches$`; later publishes are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subject.complete();
  }
}

function isValidSample(s: Sample): boolean {
  return typeof s?.name === 'string' && typeof s.value === 'number' && !Number.isNaN(s.value);
}
