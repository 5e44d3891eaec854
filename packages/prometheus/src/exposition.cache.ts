import type { MetricDescriptor, SeriesValue } from '@vitals/core';
import {
  familyHeader,
  formatValue,
  groupFamilies,
  labelText,
  leValue,
  renderExposition,
  renderFamily,
} from './exposition.renderer';
import type { DescriptorLookup, Family, RenderOptions } from './exposition.renderer';

/** One rendered series of a plain family: `name{labels} ` and its last line, reused while the value holds. */
interface Line {
  /** Usually one; more when names sanitize alike (`a.b`, `a_b`): the first fresh one is written. */
  readonly slots: SeriesValue[];
  readonly prefix: string;
  value: number;
  text: string;
}

/** One label set of a histogram family. */
interface Group {
  readonly buckets: {
    readonly slot: SeriesValue;
    readonly prefix: string;
    readonly inf: boolean;
  }[];
  readonly sums: SeriesValue[];
  readonly counts: SeriesValue[];
  /** Series of the family that are none of the three (a producer's slip): they still open the group. */
  readonly others: SeriesValue[];
  /** Every series of the group, in family order: the first fresh one places the group. */
  readonly members: SeriesValue[];
  readonly infPrefix: string;
  readonly sumPrefix: string;
  readonly countPrefix: string;
}

interface CachedFamily {
  readonly family: Family;
  /** Rendered the plain way on every scrape (bucket bounds that do not sort). */
  readonly unstable?: boolean;
  readonly name: string;
  readonly header: string;
  readonly lines?: Line[];
  readonly groups?: Group[];
}

interface Layout {
  readonly families: CachedFamily[];
  readonly names: ReadonlySet<string>;
  /** Series names and the descriptor each resolved to, to notice a later declaration. */
  readonly resolved: readonly (readonly [string, MetricDescriptor | undefined])[];
}

/** Pieces of a body: `parts[0..n)` (entries past `n` are left over from an earlier render). */
interface Sink {
  readonly parts: string[];
  n: number;
}

const line = (prefix: string, value: number): string => `${prefix}${formatValue(value)}\n`;

/**
 * {@link renderExposition} for a scrape that comes back every few seconds over the same series:
 * the grouping into families, the sorting, the label escaping and the HELP/TYPE lines are done
 * once per set of series (rebuilt when the stream's `version` or the descriptors change), and a
 * series whose value did not change reuses its whole line. A scrape then costs one pass over the
 * live series, a number formatted per changed value, and one string. It reads the stream's live
 * records (`MetricStream.live()`): no copy of every series per scrape.
 *
 * Gives exactly `renderExposition(values, descriptors, options)` for the same inputs; `extra`
 * series (the alert state, a handful) are grouped per call and merged in name order.
 *
 * @example
 * const cache = new ExpositionCache(host.descriptors);
 * res.end(cache.render(host.stream.live(), host.stream.version, [], { format: 'openmetrics' }));
 */
export class ExpositionCache {
  private readonly layouts = new Map<string, Layout>();
  private key = '';
  /** The pieces of the body being rendered, reused: render() is synchronous. */
  private readonly sink: Sink = { parts: [], n: 0 };

  constructor(private readonly descriptors: DescriptorLookup) {}

  /**
   * The exposition of `values` (live records whose set changes only with `version`) plus `extra`
   * series built for this call.
   */
  render(
    values: readonly SeriesValue[],
    version: number,
    extra: readonly SeriesValue[] = [],
    options: RenderOptions = {},
  ): string {
    const staleAfter = options.staleAfterMs ?? Infinity;
    const cutoff = Number.isFinite(staleAfter)
      ? (options.now ?? Date.now()) - staleAfter
      : -Infinity;
    const om = options.format === 'openmetrics';
    const layout = this.layout(values, version, om);
    const dynamic = extra.length > 0 ? groupFamilies(extra, this.descriptors, cutoff) : [];
    // A published series named like an extra one would make one family of both: the plain way.
    if (dynamic.some((f) => layout.names.has(f.name)))
      return renderExposition([...values, ...extra], this.descriptors, options);
    // One array of pieces joined once: the body is built flat (a `+=` per line made a rope of
    // 600 cons strings that the write then flattened again). Written by index and cut to length
    // at the end: the array keeps its size from one scrape to the next (emptying it with
    // `length = 0` made V8 shrink and regrow it every scrape).
    const out = this.sink;
    out.n = 0;
    const families = layout.families;
    let d = 0;
    for (let i = 0; i < families.length; i++) {
      const family = families[i];
      while (d < dynamic.length && dynamic[d].name < family.name)
        out.parts[out.n++] = plain(dynamic[d++], om);
      const mark = out.n;
      const ok =
        !family.unstable &&
        (family.lines ? lines(family, cutoff, out) : histogram(family, cutoff, out));
      if (!ok) {
        out.n = mark;
        out.parts[out.n++] = fresh(family.family, cutoff, om);
      }
    }
    while (d < dynamic.length) out.parts[out.n++] = plain(dynamic[d++], om);
    if (om) out.parts[out.n++] = '# EOF\n';
    if (out.parts.length !== out.n) out.parts.length = out.n;
    return out.parts.join('');
  }

  private layout(values: readonly SeriesValue[], version: number, om: boolean): Layout {
    const dv = this.descriptors.version;
    const key = `${version}:${dv ?? ''}`;
    if (key !== this.key) {
      this.layouts.clear();
      this.key = key;
    }
    const format = om ? 'om' : 'text';
    let layout = this.layouts.get(format);
    if (layout && dv === undefined) {
      for (const [name, d] of layout.resolved) {
        if (this.descriptors.get(name) !== d) {
          layout = undefined;
          break;
        }
      }
    }
    if (!layout) {
      layout = build(values, this.descriptors, om);
      this.layouts.set(format, layout);
    }
    return layout;
  }
}

function build(values: readonly SeriesValue[], descriptors: DescriptorLookup, om: boolean): Layout {
  const resolved = new Map<string, MetricDescriptor | undefined>();
  for (const v of values) if (!resolved.has(v.name)) resolved.set(v.name, descriptors.get(v.name));
  const families: CachedFamily[] = [];
  for (const family of groupFamilies(values, { get: (n) => resolved.get(n) })) {
    const header = familyHeader(family, om);
    if (family.descriptor?.type === 'histogram') {
      const g = groups(family);
      const unstable = g.some((x) => x.buckets.some((b) => Number.isNaN(leValue(b.slot))));
      families.push({ family, unstable, name: family.name, header, groups: g });
      continue;
    }
    const byPrefix = new Map<string, Line>();
    for (const s of family.series) {
      const prefix = `${family.name}${labelText(s.labels)} `;
      const known = byPrefix.get(prefix);
      if (known) known.slots.push(s);
      else byPrefix.set(prefix, { slots: [s], prefix, value: Number.NaN, text: '' });
    }
    families.push({ family, name: family.name, header, lines: [...byPrefix.values()] });
  }
  return {
    families,
    names: new Set(families.map((f) => f.name)),
    resolved: [...resolved],
  };
}

/** Label sets in first-seen order, buckets sorted by `le` (as renderExposition sorts them). */
function groups(family: Family): Group[] {
  const byKey = new Map<string, Group>();
  const n = family.name;
  for (const s of family.series) {
    const own = labelText(s.labels, undefined, true);
    let g = byKey.get(own);
    if (!g) {
      g = {
        buckets: [],
        sums: [],
        counts: [],
        others: [],
        members: [],
        infPrefix: `${n}_bucket${labelText(s.labels, 'le="+Inf"', true)} `,
        sumPrefix: `${n}_sum${own} `,
        countPrefix: `${n}_count${own} `,
      };
      byKey.set(own, g);
    }
    g.members.push(s);
    if (s.name.endsWith('_bucket')) {
      const le = leValue(s);
      g.buckets.push({
        slot: s,
        prefix: `${n}_bucket${labelText(s.labels, `le="${formatValue(le)}"`, true)} `,
        inf: le === Infinity,
      });
    } else if (s.name.endsWith('_sum')) g.sums.push(s);
    else if (s.name.endsWith('_count')) g.counts.push(s);
    else g.others.push(s);
  }
  for (const g of byKey.values()) {
    const les = new Map(g.buckets.map((b) => [b, leValue(b.slot)]));
    g.buckets.sort((a, b) => (les.get(a) as number) - (les.get(b) as number));
  }
  return [...byKey.values()];
}

/**
 * Adds the lines of a plain family to `out`; false when staleness reorders it (a series
 * written twice under one sanitized name whose first is stale and a later one fresh): render it
 * the plain way. Indexed loops: without an optimizing compiler a `for…of` allocates per element.
 */
function lines(family: CachedFamily, cutoff: number, out: Sink): boolean {
  const all = family.lines as Line[];
  const start = out.n;
  out.parts[out.n++] = family.header;
  for (let i = 0; i < all.length; i++) {
    const l = all[i];
    const slot = l.slots[0];
    if (slot.at < cutoff) {
      if (l.slots.some((s) => s.at >= cutoff)) return false;
      continue;
    }
    const v = slot.value;
    if (v !== l.value || l.text === '') {
      l.value = v;
      l.text = line(l.prefix, v);
    }
    out.parts[out.n++] = l.text;
  }
  if (out.n === start + 1) out.n = start;
  return true;
}

/** Adds the lines of a histogram family to `out`; false when staleness reorders its label sets. */
function histogram(family: CachedFamily, cutoff: number, out: Sink): boolean {
  const groups = family.groups as Group[];
  const start = out.n;
  out.parts[out.n++] = family.header;
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi];
    if (g.members[0].at < cutoff && g.members.some((s) => s.at >= cutoff)) return false;
    let any = false;
    let inf = false;
    let last: number | undefined;
    const buckets = g.buckets;
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i];
      if (b.slot.at < cutoff) continue;
      any = true;
      inf ||= b.inf;
      last = b.slot.value;
      out.parts[out.n++] = line(b.prefix, last);
    }
    let sum: number | undefined;
    for (let i = 0; i < g.sums.length; i++) if (g.sums[i].at >= cutoff) sum = g.sums[i].value;
    let count: number | undefined;
    for (let i = 0; i < g.counts.length; i++)
      if (g.counts[i].at >= cutoff) count = g.counts[i].value;
    if (!any && sum === undefined && count === undefined && !g.others.some((o) => o.at >= cutoff))
      continue;
    const total = count ?? last ?? 0;
    if (!inf) out.parts[out.n++] = line(g.infPrefix, total);
    if (sum !== undefined) out.parts[out.n++] = line(g.sumPrefix, sum);
    out.parts[out.n++] = line(g.countPrefix, total);
  }
  if (out.n === start + 1) out.n = start;
  return true;
}

/** A family rendered the plain way from its series fresh at `cutoff` ('' when none is). */
function fresh(family: Family, cutoff: number, om: boolean): string {
  const series = family.series.filter((s) => s.at >= cutoff);
  return series.length === 0 ? '' : plain({ ...family, series }, om);
}

function plain(family: Family, om: boolean): string {
  const out: string[] = [];
  renderFamily(family, om, out);
  return out.join('\n') + '\n';
}
