// Deep imports: the rxjs index loads all of its 223 modules (~5 MiB of RSS in a host that uses six).
import type { Observable } from 'rxjs';
import { Subject } from 'rxjs/internal/Subject';
import { from } from 'rxjs/internal/observable/from';
import { filter } from 'rxjs/internal/operators/filter';
import { mergeMap } from 'rxjs/internal/operators/mergeMap';
import { share } from 'rxjs/internal/operators/share';
import { VitalsError } from '../errors';
import type { Logger } from '../logging/logger';
import { createNoopLogger } from '../logging/logger';
import { IDLE_SERIES_MS, SeriesIndex } from './series.index';
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
 * The last value of one series, updated in place: a tick writes three fields per sample and
 * allocates nothing, so the objects stay in the old generation and a steady host makes no garbage
 * here. Only `latest()`/`latestValue()` copy them out, when asked.
 */
interface Slot {
  readonly name: string;
  readonly labels: Labels;
  value: number;
  at: number;
  source: string;
}

const slotAt = (s: Slot): number => s.at;
const slotSeries = (s: Slot): Slot => s;

const copy = (s: Slot): SeriesValue => ({
  name: s.name,
  labels: s.labels,
  value: s.value,
  at: s.at,
  source: s.source,
});

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
  private readonly last = new SeriesIndex<Slot>();
  private closed = false;
  private seriesVersion = 0;
  /** {@link live}'s array, rebuilt only when a series is added. */
  private liveList: readonly SeriesValue[] | undefined;

  /** Every published batch, hot (no replay). */
  readonly batches$: Observable<MetricBatch> = this.subject.asObservable();

  constructor(
    private readonly logger: Logger = createNoopLogger(),
    /**
     * Series kept by `latest()` at most. When full, series not published for `idleMs` make room
     * (the longest idle first); when none has, new ones are dropped with one warning.
     */
    private readonly maxSeries = 10_000,
    /** How long a series may go unpublished before a full stream may forget it, ms. */
    private readonly idleMs = IDLE_SERIES_MS,
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
    if (!this.remember(batch)) {
      clean = { ...batch, samples: batch.samples.filter(isValidSample) };
      this.logger.warn(
        { source: batch.source, dropped: batch.samples.length - clean.samples.length },
        'dropped malformed samples (each needs a name and a numeric value)',
      );
    }
    this.subject.next(clean);
  }

  /**
   * Keeps the last value of each well-formed sample; false when some sample was malformed (no
   * name, a value that is not a number or NaN) and was skipped. Each sample's value is read once:
   * without an optimizing compiler every read of a number field boxes it anew (per sample, per
   * tick: this and `batch.at` read per sample were 40 % of what a publish allocated).
   */
  private remember(batch: MetricBatch): boolean {
    const samples = batch.samples;
    const at = batch.at;
    const source = batch.source;
    let ok = true;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      const value = s?.value;
      if (typeof s?.name !== 'string' || typeof value !== 'number' || value !== value) {
        ok = false;
        continue;
      }
      const slot = this.last.get(s.name, s.labels);
      if (slot !== undefined) {
        slot.value = value;
        slot.at = at;
        slot.source = source;
        continue;
      }
      if (this.last.size >= this.maxSeries && !this.evictIdle(at)) {
        if (!this.warnedFull) {
          this.warnedFull = true;
          this.logger.warn(
            { maxSeries: this.maxSeries, series: s.name },
            'metric stream series cap reached; new series are not kept in latest()',
          );
        }
        continue;
      }
      // Frozen copy: a collector may reuse or change its labels object after publishing.
      const labels =
        s.labels && Object.keys(s.labels).length > 0 ? Object.freeze({ ...s.labels }) : NO_LABELS;
      this.last.set(s.name, s.labels, { name: s.name, labels, value, at, source });
      this.seriesVersion++;
      this.liveList = undefined;
    }
    return ok;
  }

  /**
   * Makes room in a full stream: forgets up to a tenth of the cap of the series not published for
   * `idleMs`, the longest idle first (a pid label per short-lived process fills the cap in a
   * service that runs for weeks), at most once per 10 s of `at` (`SeriesIndex.makeRoom`).
   * @returns true when there is room now.
   */
  private evictIdle(at: number): boolean {
    const n = this.last.makeRoom(at, this.maxSeries, this.idleMs, slotAt, slotSeries);
    if (n === 0) return false;
    this.seriesVersion++;
    this.liveList = undefined;
    this.logger.info(
      { evicted: n, idleMs: this.idleMs, maxSeries: this.maxSeries },
      'metric stream full: forgot the series idle longest',
    );
    this.warnedFull = false;
    return true;
  }

  /**
   * A number that changes whenever the set of series `latest()` holds changes (a new series,
   * or idle ones forgotten by a full stream),
   * and never otherwise: exporters that cache per-series work (rendered label text) rebuild only
   * when it moves, so a scrape costs the same however many series did not change.
   */
  get version(): number {
    return this.seriesVersion;
  }

  /**
   * The last value of every series as LIVE records, in {@link latest}'s order: the same objects
   * for the life of the stream, each updated in place by later publishes (`value`, `at`,
   * `source`), and the same array until {@link version} changes. For exporters that read every
   * series on every scrape without copying them; read them now, do not keep them as snapshots
   * (use `latest()` for that).
   */
  live(): readonly SeriesValue[] {
    return (this.liveList ??= Object.freeze([...this.last.values()]));
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

  /**
   * The last value of every series (or of every series of `name`), as fresh objects the caller
   * may keep: later publishes do not change them.
   */
  latest(name?: string): SeriesValue[] {
    const out: SeriesValue[] = [];
    const slots = name === undefined ? this.last.values() : this.last.valuesOf(name);
    for (const slot of slots) out.push(copy(slot));
    return out;
  }

  /** The last value of exactly one series (a fresh object), or undefined. O(1). */
  latestValue(name: string, labels?: Labels): SeriesValue | undefined {
    const slot = this.last.get(name, labels);
    return slot === undefined ? undefined : copy(slot);
  }

  /**
   * Just the number of {@link latestValue}, without allocating: for per-sample hot paths (an
   * alert threshold relative to another series). O(1).
   */
  latestNumber(name: string, labels?: Labels): number | undefined {
    return this.last.get(name, labels)?.value;
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
