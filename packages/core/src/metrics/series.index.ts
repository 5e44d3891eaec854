import type { Labels } from './metric.types';

/** A series not published for this long may be forgotten by a full stream or history, ms. */
export const IDLE_SERIES_MS = 10 * 60_000;
/** A full stream or history looks for idle series at most this often, ms. */
export const EVICT_EVERY_MS = 10_000;

/** A trie node: the series ending here, and the label pairs leading further. */
interface Node<T> {
  value: T | undefined;
  has: boolean;
  /** label name → label value → node. */
  next: Map<string, Map<string, Node<T>>> | undefined;
}

/** Pre-order, children in insertion order; `this` is the callback (Map#forEach's thisArg). */
function visit<T>(this: (value: T) => void, at: Node<T>): void {
  if (at.has) this(at.value as T);
  at.next?.forEach(visitValues, this);
}

function visitValues<T>(this: (value: T) => void, byValue: Map<string, Node<T>>): void {
  byValue.forEach(visit, this);
}

function node<T>(): Node<T> {
  return { value: undefined, has: false, next: undefined };
}

/** Label names of `labels` into `into` (reused), sorted; returns how many. */
function sortedNames(labels: Labels, into: string[]): number {
  let n = 0;
  for (const k in labels) {
    // Insertion sort while collecting: label sets are small (0–4 names).
    let i = n++;
    while (i > 0 && into[i - 1] > k) {
      into[i] = into[i - 1];
      i--;
    }
    into[i] = k;
  }
  return n;
}

/**
 * A map from series (metric name + labels, label order ignored, `{}` the same as no labels) to a
 * value, with the same identity as core's `seriesKey` but without building a key string: the
 * lookup walks a trie of interned name and label strings, which costs a few Map lookups on strings
 * whose hashes V8 has cached, where concatenating and hashing a fresh key string costs several
 * times more. Made for the per-sample hot path (History, AlertEngine, MetricStream).
 *
 * @example
 * const index = new SeriesIndex<number>();
 * index.set('fs_used', { device: 'sda1', mountpoint: '/' }, 1);
 * index.get('fs_used', { mountpoint: '/', device: 'sda1' }); // 1
 */
export class SeriesIndex<T> {
  private readonly roots = new Map<string, Node<T>>();
  private readonly names: string[] = [];
  private count = 0;
  /** `at` of the last look of {@link makeRoom}. */
  private lookedAt = -Infinity;

  /** The value of one series, or undefined. */
  get(name: string, labels?: Labels): T | undefined {
    let at = this.roots.get(name);
    if (at === undefined) return undefined;
    if (labels !== undefined) {
      const names = this.names;
      const n = sortedNames(labels, names);
      for (let i = 0; i < n && at !== undefined; i++) {
        at = at.next?.get(names[i])?.get(labels[names[i]]);
      }
    }
    return at?.value;
  }

  /** Sets the value of one series. */
  set(name: string, labels: Labels | undefined, value: T): void {
    let at: Node<T> | undefined = this.roots.get(name);
    if (at === undefined) {
      at = node<T>();
      this.roots.set(name, at);
    }
    if (labels !== undefined) {
      const names = this.names;
      const n = sortedNames(labels, names);
      for (let i = 0; i < n; i++) {
        const next: Map<string, Map<string, Node<T>>> = (at.next ??= new Map());
        let byValue = next.get(names[i]);
        if (byValue === undefined) {
          byValue = new Map();
          next.set(names[i], byValue);
        }
        let child = byValue.get(labels[names[i]]);
        if (child === undefined) {
          child = node<T>();
          byValue.set(labels[names[i]], child);
        }
        at = child;
      }
    }
    if (!at.has) this.count++;
    at.has = true;
    at.value = value;
  }

  /** Removes one series (and the trie nodes only it used). Returns false when it was absent. */
  delete(name: string, labels?: Labels): boolean {
    const root = this.roots.get(name);
    if (root === undefined) return false;
    const path: Node<T>[] = [root];
    const names = labels === undefined ? [] : this.names.slice(0, sortedNames(labels, this.names));
    let at: Node<T> | undefined = root;
    for (let i = 0; i < names.length && at !== undefined; i++) {
      at = at.next?.get(names[i])?.get((labels as Labels)[names[i]]);
      if (at !== undefined) path.push(at);
    }
    if (at === undefined || !at.has) return false;
    at.has = false;
    at.value = undefined;
    this.count--;
    // Prune from the leaf up while nodes hold nothing.
    for (let i = path.length - 1; i > 0; i--) {
      const child = path[i];
      if (child.has || child.next !== undefined) return true;
      const parent = path[i - 1];
      const byValue = parent.next?.get(names[i - 1]);
      byValue?.delete((labels as Labels)[names[i - 1]]);
      if (byValue?.size === 0) parent.next?.delete(names[i - 1]);
      if (parent.next?.size === 0) parent.next = undefined;
    }
    if (!root.has && root.next === undefined) this.roots.delete(name);
    return true;
  }

  /** Number of series held. */
  get size(): number {
    return this.count;
  }

  /** Every value, grouped by metric name (in the order names, label names and values first came). */
  values(): IterableIterator<T> {
    return this.walk([...this.roots.values()].reverse());
  }

  /**
   * Calls `fn` with every value, in {@link values}' order, allocating nothing per series (a
   * generator's steps and `for…of` allocate per element without an optimizing compiler).
   */
  forEach(fn: (value: T) => void): void {
    this.roots.forEach(visit, fn);
  }

  /** The values of the series of one metric name (same order as {@link values}). */
  valuesOf(name: string): IterableIterator<T> {
    const root = this.roots.get(name);
    return this.walk(root === undefined ? [] : [root]);
  }

  private *walk(stack: Node<T>[]): IterableIterator<T> {
    for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
      if (at.has) yield at.value as T;
      if (at.next === undefined) continue;
      const children: Node<T>[] = [];
      for (const byValue of at.next.values())
        for (const child of byValue.values()) children.push(child);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }

  /**
   * Makes room in a store that is full (`cap` series): removes up to a tenth of `cap` of the series
   * whose `lastAt(value)` is more than `idleMs` before `at`, the longest idle first, so a new
   * series is not refused while a dead one holds its place (a pid label per short-lived process).
   * O(n log n) over the idle ones, and at most once per {@link EVICT_EVERY_MS} of `at`; a look
   * needs a finite `at` (a plain-JS plugin's NaN would look every time, Infinity would forget
   * every series and put the next look at Infinity).
   * @returns how many were removed (0 also when it did not look).
   */
  makeRoom(
    at: number,
    cap: number,
    idleMs: number,
    lastAt: (value: T) => number,
    seriesOf: (value: T) => { readonly name: string; readonly labels: Labels },
  ): number {
    if (!Number.isFinite(at) || !(at - this.lookedAt >= EVICT_EVERY_MS)) return 0;
    this.lookedAt = at;
    const before = at - idleMs;
    const idle: Array<{ at: number; value: T }> = [];
    this.forEach((value) => {
      const last = lastAt(value);
      if (last < before) idle.push({ at: last, value });
    });
    idle.sort((a, b) => a.at - b.at);
    const n = Math.min(Math.max(1, Math.ceil(cap / 10)), idle.length);
    for (let i = 0; i < n; i++) {
      const series = seriesOf(idle[i].value);
      this.delete(series.name, series.labels);
    }
    return n;
  }

  /** Forgets every series. */
  clear(): void {
    this.roots.clear();
    this.count = 0;
  }
}
