import { histogramQuantile, parseLe } from '../shared/histogram-quantile.js';
import type { Bucket } from '../shared/histogram-quantile.js';

/** Labels of a series. */
export type Labels = Readonly<Record<string, string>>;

/** One series the page holds: points keyed by time (epoch ms, rounded to the step). */
export interface StoredSeries {
  readonly name: string;
  readonly labels: Labels;
  readonly points: Map<number, number>;
}

/** A derived line of a chart: a label and values by time. */
export interface Line {
  readonly label: string;
  readonly points: ReadonlyMap<number, number>;
}

/** Whose figures a chart shows: '' for the host itself, else a service name. */
export type SourceFilter = string;

/**
 * The raw series the page received (history on load, then each tick), bounded: at most
 * `maxPoints` per series and `maxSeries` series. Times are rounded to `step` ms so that series
 * published a few ms apart in one tick share an x value.
 */
export class SeriesStore {
  private readonly series = new Map<string, StoredSeries>();

  constructor(
    readonly step: number,
    private readonly maxPoints = 900,
    private readonly maxSeries = 2000,
  ) {}

  /** Adds one point. */
  add(name: string, labels: Labels, at: number, value: number): void {
    const key = name + JSON.stringify(Object.entries(labels).sort());
    let s = this.series.get(key);
    if (!s) {
      if (this.series.size >= this.maxSeries) return;
      s = { name, labels, points: new Map() };
      this.series.set(key, s);
    }
    const t = Math.round(at / this.step) * this.step;
    s.points.delete(t);
    s.points.set(t, value);
    if (s.points.size > this.maxPoints) {
      const oldest = s.points.keys().next().value as number;
      s.points.delete(oldest);
    }
  }

  /** Series of `name` whose labels pass `source` (host: no `service`/`pid`; else that service). */
  find(name: string, source: SourceFilter): StoredSeries[] {
    const out: StoredSeries[] = [];
    for (const s of this.series.values()) {
      if (s.name !== name) continue;
      if (
        source === ''
          ? s.labels.service === undefined && s.labels.pid === undefined
          : s.labels.service === source
      )
        out.push(s);
    }
    return out;
  }

  /** Service names seen in any series. */
  services(): string[] {
    const names = new Set<string>();
    for (const s of this.series.values()) if (s.labels.service) names.add(s.labels.service);
    return [...names].sort();
  }

  clear(): void {
    this.series.clear();
  }
}

/** Label text of a series beyond the ones a chart already implies. */
export function describe(labels: Labels, skip: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !skip.includes(k) && k !== 'service' && k !== 'pid')
    .sort()
    .map((k) => labels[k])
    .join(' ');
}

/** Each series of `name` scaled (a gauge), one line per label set. */
export function gaugeLines(
  store: SeriesStore,
  name: string,
  source: SourceFilter,
  label: string,
  scale = 1,
): Line[] {
  return store.find(name, source).map((s) => {
    const extra = describe(s.labels);
    const points = new Map<number, number>();
    for (const [t, v] of s.points) points.set(t, v * scale);
    return { label: extra ? `${label} ${extra}` : label, points };
  });
}

/** Per-second rate of each counter series of `name` between consecutive points (resets skipped). */
export function rateLines(
  store: SeriesStore,
  name: string,
  source: SourceFilter,
  label: string,
  scale = 1,
  keep: (labels: Labels) => boolean = () => true,
): Line[] {
  const out: Line[] = [];
  for (const s of store.find(name, source)) {
    if (!keep(s.labels)) continue;
    const times = [...s.points.keys()].sort((a, b) => a - b);
    const points = new Map<number, number>();
    for (let i = 1; i < times.length; i++) {
      const dv = (s.points.get(times[i]) as number) - (s.points.get(times[i - 1]) as number);
      const dt = (times[i] - times[i - 1]) / 1000;
      if (dv >= 0 && dt > 0) points.set(times[i], (dv / dt) * scale);
    }
    const extra = describe(s.labels);
    out.push({ label: extra ? `${label} ${extra}` : label, points });
  }
  return out;
}

/** `a − b` where both have a point at the same time (e.g. MemTotal − MemAvailable). */
export function differenceLine(
  store: SeriesStore,
  a: string,
  b: string,
  source: SourceFilter,
  label: string,
): Line[] {
  const sa = store.find(a, source)[0];
  const sb = store.find(b, source)[0];
  if (!sa || !sb) return [];
  const points = new Map<number, number>();
  for (const [t, v] of sa.points) {
    const w = sb.points.get(t);
    if (w !== undefined) points.set(t, v - w);
  }
  return [{ label, points }];
}

/**
 * p50 and p99 per `operation` of a cumulative histogram (`<name>_bucket{le,operation}`), over a
 * sliding window: the buckets' increase since the newest point at least `windowMs` older (as
 * Prometheus' `histogram_quantile(q, increase(x_bucket[window]))`). No observation in the window: no point.
 */
export function quantileLines(
  store: SeriesStore,
  bucketName: string,
  source: SourceFilter,
  quantiles: readonly number[],
  windowMs: number,
  scale = 1,
): Line[] {
  const byOp = new Map<string, { le: number; points: Map<number, number> }[]>();
  for (const s of store.find(bucketName, source)) {
    const le = parseLe(s.labels.le);
    if (Number.isNaN(le)) continue;
    const op = s.labels.operation ?? '';
    const list = byOp.get(op) ?? [];
    list.push({ le, points: s.points });
    byOp.set(op, list);
  }
  const out: Line[] = [];
  for (const [op, buckets] of [...byOp].sort((a, b) => a[0].localeCompare(b[0]))) {
    const times = [...new Set(buckets.flatMap((b) => [...b.points.keys()]))].sort((a, b) => a - b);
    const lines = quantiles.map(() => new Map<number, number>());
    let from = 0;
    for (let i = 1; i < times.length; i++) {
      const t = times[i];
      while (from + 1 < i && times[from + 1] <= t - windowMs) from++;
      const t0 = times[from];
      const delta: Bucket[] = [];
      for (const b of buckets) {
        const now = b.points.get(t);
        const then = b.points.get(t0);
        if (now !== undefined && then !== undefined)
          delta.push({ le: b.le, count: Math.max(0, now - then) });
      }
      quantiles.forEach((q, k) => {
        const v = histogramQuantile(q, delta);
        if (Number.isFinite(v)) lines[k].set(t, v * scale);
      });
    }
    quantiles.forEach((q, k) =>
      out.push({ label: `${op || 'operation'} p${Math.round(q * 100)}`, points: lines[k] }),
    );
  }
  return out;
}
