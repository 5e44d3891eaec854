/** Label set of a series: `{ device: 'sda1', mountpoint: '/' }`. */
export type Labels = Readonly<Record<string, string>>;

/** One measured value. Histograms travel as `<name>_bucket{le}`, `<name>_sum`, `<name>_count`. */
export interface Sample {
  readonly name: string;
  readonly value: number;
  readonly labels?: Labels;
}

/** What a collector produces on one tick: one object per collector per tick keeps the hot path cheap. */
export interface MetricBatch {
  /** Who produced it (a collector's name). */
  readonly source: string;
  /** When, in epoch milliseconds (the host clock). */
  readonly at: number;
  readonly samples: readonly Sample[];
}

/** Prometheus metric types. */
export type MetricType = 'gauge' | 'counter' | 'histogram';

/** A metric's one declaration: exporters and the dashboard read help and units from here. */
export interface MetricDescriptor {
  readonly name: string;
  readonly help: string;
  /** `bytes`, `seconds`, `ratio`, `percent`, `count`, `bytes_per_second`, … */
  readonly unit: string;
  readonly type: MetricType;
  readonly labelNames?: readonly string[];
}

/** The last value of one series, as `MetricStream.latest()` returns it. */
export interface SeriesValue {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
  readonly at: number;
  readonly source: string;
}
