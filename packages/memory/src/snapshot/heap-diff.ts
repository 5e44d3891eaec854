import type { HeapSummary } from './heap-snapshot.reader';

/** How one constructor changed between two snapshots. */
export interface HeapDiffRow {
  readonly constructorName: string;
  readonly countBefore: number;
  readonly countAfter: number;
  readonly countDelta: number;
  readonly sizeBefore: number;
  readonly sizeAfter: number;
  readonly sizeDelta: number;
}

/**
 * Constructors that grew from `before` to `after`, largest self-size growth first (count growth
 * breaks ties). Only rows that grew in count or size.
 *
 * @example diffHeapSummaries(await summarizeHeapSnapshot(a), await summarizeHeapSnapshot(b)).slice(0, 10)
 */
export function diffHeapSummaries(before: HeapSummary, after: HeapSummary): HeapDiffRow[] {
  const rows: HeapDiffRow[] = [];
  for (const [name, b] of after.byConstructor) {
    const a = before.byConstructor.get(name) ?? { count: 0, selfSize: 0 };
    const row = {
      constructorName: name,
      countBefore: a.count,
      countAfter: b.count,
      countDelta: b.count - a.count,
      sizeBefore: a.selfSize,
      sizeAfter: b.selfSize,
      sizeDelta: b.selfSize - a.selfSize,
    };
    if (row.countDelta > 0 || row.sizeDelta > 0) rows.push(row);
  }
  return rows.sort((x, y) => y.sizeDelta - x.sizeDelta || y.countDelta - x.countDelta);
}
