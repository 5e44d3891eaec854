import type { Labels, MetricDescriptor, SeriesValue } from '@vitals/core';

/** Looks up a metric's descriptor (core's DescriptorRegistry fits). */
export interface DescriptorLookup {
  get(name: string): MetricDescriptor | undefined;
  /**
   * Changes whenever a declaration is added (core's DescriptorRegistry has it). Without it a
   * cached renderer compares every looked-up descriptor on each scrape instead.
   */
  readonly version?: number;
}

/** Options of {@link renderExposition}. */
export interface RenderOptions {
  /** Series whose last value is older than this (ms before `now`) are left out. @default Infinity */
  readonly staleAfterMs?: number;
  /** Current time, ms since the epoch; needed with `staleAfterMs`. @default Date.now() */
  readonly now?: number;
  /**
   * `text` (format 0.0.4) or `openmetrics` (OpenMetrics 1.0.0: counter families named without
   * `_total`, `unknown` for an undeclared type, `"` escaped in HELP, a final `# EOF`).
   * @default 'text'
   */
  readonly format?: 'text' | 'openmetrics';
}

/** The Content-Type of the Prometheus text exposition format. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** The Content-Type of OpenMetrics 1.0.0. */
export const OPENMETRICS_CONTENT_TYPE =
  'application/openmetrics-text; version=1.0.0; charset=utf-8';

const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

/** Label values escape `\`, `"` and newline (exposition format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes `\` and newline. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A metric or label name with invalid characters replaced by `_` (`order.submit` → `order_submit`). */
export function sanitizeName(name: string, label = false): string {
  const clean = name.replace(label ? /[^a-zA-Z0-9_]/g : /[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

/** A sample value: `+Inf`, `-Inf`, `NaN` or the shortest round-tripping decimal. */
export function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

/**
 * `{a="1",b="2"}` with sorted names; `le` is left out (`dropLe`, for histogram series) and `extra`
 * (`le="0.5"`) appended. @internal
 */
export function labelText(labels: Labels, extra?: string, dropLe = false): string {
  const parts: string[] = [];
  for (const k of Object.keys(labels).sort()) {
    if (dropLe && k === 'le') continue;
    parts.push(`${sanitizeName(k, true)}="${escapeLabelValue(labels[k])}"`);
  }
  if (extra !== undefined) parts.push(extra);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/** The series of one metric family, as grouped for rendering. @internal */
export interface Family {
  readonly name: string;
  readonly descriptor?: MetricDescriptor;
  readonly series: SeriesValue[];
}

/** The `le` label of a bucket series as a number (`+Inf` → Infinity). @internal */
export const leValue = (s: SeriesValue): number =>
  s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);

/**
 * Groups series into families by sanitized name (`x_bucket`/`_sum`/`_count` of a declared
 * histogram into `x`), sorted by name, series in the order given; series last updated before
 * `cutoff` (epoch ms) are left out. @internal
 */
export function groupFamilies(
  values: readonly SeriesValue[],
  descriptors: DescriptorLookup,
  cutoff = -Infinity,
): Family[] {
  const families = new Map<string, Family>();
  for (const v of values) {
    if (v.at < cutoff) continue;
    const descriptor = descriptors.get(v.name);
    const isHist = descriptor?.type === 'histogram' && HISTOGRAM_SUFFIX.test(v.name);
    const name = sanitizeName(isHist ? v.name.replace(HISTOGRAM_SUFFIX, '') : v.name);
    let family = families.get(name);
    if (!family) families.set(name, (family = { name, descriptor, series: [] }));
    family.series.push(v);
  }
  return [...families.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `# HELP` and `# TYPE` lines of a family, each ending in a newline. @internal */
export function familyHeader(family: Omit<Family, 'series'>, om: boolean): string {
  const name = family.name;
  const d = family.descriptor;
  let type: string = d?.type ?? 'untyped';
  let meta = name;
  if (om) {
    // OpenMetrics names a counter family without `_total` and has no `untyped`.
    if (type === 'counter' && name.endsWith('_total')) meta = name.slice(0, -'_total'.length);
    else if (type === 'counter' || type === 'untyped') type = 'unknown';
  }
  const help = escapeHelp(d?.help ?? name);
  return `# HELP ${meta} ${om ? help.replace(/"/g, '\\"') : help}\n# TYPE ${meta} ${type}\n`;
}

/** Appends the lines of one family (header included) to `out`, each without its newline. @internal */
export function renderFamily(family: Family, om: boolean, out: string[]): void {
  out.push(familyHeader(family, om).slice(0, -1));
  if (family.descriptor?.type === 'histogram') {
    renderHistogram(family, out);
    return;
  }
  // Two names can sanitize to one (`a.b`, `a_b`): Prometheus rejects a series given twice.
  const written = new Set<string>();
  for (const s of family.series) {
    const series = `${family.name}${labelText(s.labels)}`;
    if (written.has(series)) continue;
    written.add(series);
    out.push(`${series} ${formatValue(s.value)}`);
  }
}

/**
 * Renders the last value of every series in the Prometheus text exposition format 0.0.4: one
 * `# HELP` and `# TYPE` per family (from the descriptors; `untyped` for an undeclared name),
 * label values escaped, histograms grouped from their `_bucket{le}`, `_sum` and `_count` samples
 * with buckets in `le` order and a `le="+Inf"` bucket always present. Pure: it reads what the
 * stream already holds and never collects. (The `/metrics` route renders through
 * {@link ExpositionCache}, which gives the same text without redoing the per-series work.)
 *
 * @example res.end(renderExposition(host.stream.latest(), host.descriptors))
 */
export function renderExposition(
  values: readonly SeriesValue[],
  descriptors: DescriptorLookup,
  options: RenderOptions = {},
): string {
  const staleAfter = options.staleAfterMs ?? Infinity;
  const cutoff = Number.isFinite(staleAfter) ? (options.now ?? Date.now()) - staleAfter : -Infinity;
  const om = options.format === 'openmetrics';
  const out: string[] = [];
  for (const family of groupFamilies(values, descriptors, cutoff)) renderFamily(family, om, out);
  if (om) out.push('# EOF');
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** Buckets by `le`, then `_sum` and `_count`, per label set (the labels other than `le`). */
function renderHistogram(family: Family, out: string[]): void {
  const groups = new Map<
    string,
    { labels: Labels; buckets: SeriesValue[]; sum?: number; count?: number }
  >();
  for (const s of family.series) {
    const key = labelText(s.labels, undefined, true);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels: s.labels, buckets: [] }));
    if (s.name.endsWith('_bucket')) g.buckets.push(s);
    else if (s.name.endsWith('_sum')) g.sum = s.value;
    else if (s.name.endsWith('_count')) g.count = s.value;
  }
  const n = family.name;
  for (const g of groups.values()) {
    const buckets = g.buckets.sort((a, b) => leValue(a) - leValue(b));
    for (const b of buckets) {
      out.push(
        `${n}_bucket${labelText(b.labels, `le="${formatValue(leValue(b))}"`, true)} ${formatValue(b.value)}`,
      );
    }
    const count = g.count ?? (buckets.length > 0 ? buckets[buckets.length - 1].value : 0);
    if (!buckets.some((b) => leValue(b) === Infinity)) {
      out.push(`${n}_bucket${labelText(g.labels, 'le="+Inf"', true)} ${formatValue(count)}`);
    }
    const own = labelText(g.labels, undefined, true);
    if (g.sum !== undefined) out.push(`${n}_sum${own} ${formatValue(g.sum)}`);
    out.push(`${n}_count${own} ${formatValue(count)}`);
  }
}
