import type { Observable, Subscription } from 'rxjs';
import { VitalsError, describeError } from '../errors';
import type { Logger } from '../logging/logger';
import { createNoopLogger } from '../logging/logger';
import type { HistoryConfig } from '../config/config.types';
import { IDLE_SERIES_MS, SeriesIndex } from './series.index';
import { NO_LABELS, seriesKey } from './labels';
import type { Labels, MetricBatch } from './metric.types';

/** One stored point. */
export interface HistoryPoint {
  readonly at: number;
  readonly value: number;
}

/** A series known to the history. */
export interface HistorySeries {
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
  /** Points currently held. */
  readonly size: number;
}

/** Points a new series starts with; it doubles up to `capacity` as points arrive. */
const INITIAL_POINTS = 16;

/**
 * One series: timestamps and values in two Float64Arrays used as a ring. The arrays start small
 * and double until they reach `capacity`, so hundreds of short-lived or sparse series cost little;
 * only a full ring wraps (and `start` moves), so while growing the data is contiguous from 0.
 */
class SeriesRing {
  times: Float64Array;
  values: Float64Array;
  start = 0;
  length = 0;

  constructor(
    readonly key: string,
    readonly name: string,
    readonly labels: Labels,
    private readonly capacity: number,
  ) {
    const initial = Math.min(INITIAL_POINTS, capacity);
    this.times = new Float64Array(initial);
    this.values = new Float64Array(initial);
  }

  push(at: number, value: number): void {
    let size = this.times.length;
    if (this.length === size && size < this.capacity) {
      // Not wrapped yet (start is 0): grow by doubling, keeping the points in place.
      size = Math.min(size * 2, this.capacity);
      const times = new Float64Array(size);
      const values = new Float64Array(size);
      times.set(this.times);
      values.set(this.values);
      this.times = times;
      this.values = values;
    }
    if (this.length < size) {
      const i = this.start + this.length;
      this.times[i < size ? i : i - size] = at;
      this.values[i < size ? i : i - size] = value;
      this.length++;
    } else {
      // Full at capacity: overwrite the oldest point.
      this.times[this.start] = at;
      this.values[this.start] = value;
      this.start = this.start + 1 === size ? 0 : this.start + 1;
    }
  }

  toPoints(since: number): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    const size = this.times.length;
    for (let n = 0; n < this.length; n++) {
      const i = (this.start + n) % size;
      const at = this.times[i];
      if (at >= since) out.push({ at, value: this.values[i] });
    }
    return out;
  }
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new VitalsError(
      'ERR_INVALID_ARGUMENT',
      `history.${field} must be a whole number ≥ 1 (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

/** The time of a ring's newest point (epoch ms), or -Infinity when it has none. */
function newestAt(ring: SeriesRing): number {
  if (ring.length === 0) return -Infinity;
  const size = ring.times.length;
  return ring.times[(ring.start + ring.length - 1) % size];
}

/**
 * Bounded per-series history: a ring buffer per series (`capacity` points) and at most
 * `maxSeries` series. When full, series with no point for {@link IDLE_SERIES_MS} make room (the
 * longest idle first: a pid label per short-lived process must not fill it for good); when none
 * has, new series are dropped with one warning.
 * Memory stays bounded however long the host runs. Trend analysis and the dashboard read it.
 *
 * It records only the metrics someone asked for: `watch(name…)` at start (or `watch('*')` for
 * every metric, as the dashboard does), and reading a name (`points`, `series(name)`, `last`)
 * asks for it too, so a reader's first call starts that metric's recording. A host that exposes
 * 271 series and reads seven keeps seven rings, not 271 × `capacity` points (3.9 MiB at the
 * default 900) that nobody reads, and spends nothing per tick on the rest.
 *
 * @example
 * const history = new History({ capacity: 900, maxSeries: 2000 }, logger);
 * history.watch('process_resident_memory_bytes');
 * const sub = history.attach(stream.batches$);
 * history.points('process_resident_memory_bytes', undefined, Date.now() - 60_000);
 */
export class History {
  // Looked up per sample without building key strings (see SeriesIndex): the hot path.
  private readonly rings = new SeriesIndex<SeriesRing>();
  private readonly capacity: number;
  private readonly maxSeries: number;
  private readonly logger: Logger;
  private warnedFull = false;
  /** Metric names recorded (see {@link watch}); `all` once `'*'` was asked for. */
  private readonly watched = new Set<string>();
  private all = false;

  constructor(options: HistoryConfig, logger?: Logger) {
    this.capacity = positiveInteger(options?.capacity, 'capacity');
    this.maxSeries = positiveInteger(options?.maxSeries, 'maxSeries');
    this.logger = logger ?? createNoopLogger();
  }

  /**
   * Records these metrics (every series of each name) from now on; `'*'` records every metric.
   * Idempotent; names already held keep their points.
   */
  watch(...names: string[]): void {
    for (const name of names) {
      if (name === '*') this.all = true;
      else this.watched.add(name);
    }
  }

  /** True when `name` is recorded (watched, read before, or `'*'` watched). */
  isWatched(name: string): boolean {
    return this.all || this.watched.has(name);
  }

  /** Records the watched samples of every batch of `batches$`; unsubscribe to detach. */
  attach(batches$: Observable<MetricBatch>): Subscription {
    return batches$.subscribe((batch) => {
      try {
        this.record(batch);
      } catch (error) {
        this.logger.error(
          { source: batch?.source, err: describeError(error) },
          'history could not record a batch',
        );
      }
    });
  }

  /** Records the watched samples of one batch (see {@link watch}). */
  record(batch: MetricBatch): void {
    const at = batch.at;
    const samples = batch.samples;
    const all = this.all;
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      if (!all && !this.watched.has(sample.name)) continue;
      let ring = this.rings.get(sample.name, sample.labels);
      if (ring === undefined) {
        ring = this.create(sample.name, sample.labels, at);
        if (ring === undefined) continue;
      }
      ring.push(at, sample.value);
    }
  }

  private create(name: string, labels: Labels | undefined, at: number): SeriesRing | undefined {
    if (this.rings.size >= this.maxSeries && !this.evictIdle(at)) {
      if (!this.warnedFull) {
        this.warnedFull = true;
        this.logger.warn(
          { maxSeries: this.maxSeries, series: name },
          'history series cap reached; new series are not recorded (raise history.maxSeries)',
        );
      }
      return undefined;
    }
    const frozen =
      labels && Object.keys(labels).length > 0 ? Object.freeze({ ...labels }) : NO_LABELS;
    const ring = new SeriesRing(seriesKey(name, frozen), name, frozen, this.capacity);
    this.rings.set(name, frozen, ring);
    return ring;
  }

  /**
   * Makes room when full: forgets up to a tenth of `maxSeries` of the series whose newest point
   * is older than {@link IDLE_SERIES_MS}, the longest idle first, at most once per
   * 10 s (`SeriesIndex.makeRoom`). @returns true when there is room now.
   */
  private evictIdle(at: number): boolean {
    const n = this.rings.makeRoom(at, this.maxSeries, IDLE_SERIES_MS, newestAt, (ring) => ring);
    if (n === 0) return false;
    this.logger.info(
      { evicted: n, idleMs: IDLE_SERIES_MS, maxSeries: this.maxSeries },
      'history full: forgot the series idle longest',
    );
    this.warnedFull = false;
    return true;
  }

  /**
   * Points of one series, oldest first, optionally only those at or after `since` (epoch ms).
   * An unwatched metric is watched from this call on (and has no points yet).
   */
  points(name: string, labels?: Labels, since?: number): HistoryPoint[] {
    this.watched.add(name);
    const ring = this.rings.get(name, labels);
    return ring ? ring.toPoints(since ?? -Infinity) : [];
  }

  /**
   * Series held, optionally only those of one metric name (which is then watched from this call
   * on, like {@link points}).
   */
  series(name?: string): HistorySeries[] {
    if (name !== undefined) this.watched.add(name);
    const out: HistorySeries[] = [];
    // One metric's series only, not a walk over every series held.
    for (const ring of name === undefined ? this.rings.values() : this.rings.valuesOf(name))
      out.push({ key: ring.key, name: ring.name, labels: ring.labels, size: ring.length });
    return out;
  }

  /** The newest point of one series, without copying the others out. O(1). Watches `name`. */
  last(name: string, labels?: Labels): HistoryPoint | undefined {
    this.watched.add(name);
    const ring = this.rings.get(name, labels);
    if (ring === undefined || ring.length === 0) return undefined;
    const i = (ring.start + ring.length - 1) % ring.times.length;
    return { at: ring.times[i], value: ring.values[i] };
  }

  /** Number of series held. */
  get size(): number {
    return this.rings.size;
  }
}
