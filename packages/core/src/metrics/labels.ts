import type { Labels } from './metric.types';

const EMPTY: Labels = Object.freeze({});

/**
 * The canonical key of a series: the name alone, or the name and its labels sorted by label name.
 * Label order in the object never matters.
 */
export function seriesKey(name: string, labels?: Labels): string {
  if (!labels) return name;
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  if (keys.length > 1) keys.sort();
  let key = name;
  for (const k of keys) key += '\u0000' + k + '\u0001' + labels[k];
  return key;
}

/**
 * True when every label in `matcher` has the same value in `labels` (an empty matcher matches
 * all). As in PromQL, a matcher value `''` matches a series that lacks the label.
 */
export function matchLabels(labels: Labels | undefined, matcher: Labels | undefined): boolean {
  if (!matcher) return true;
  for (const k in matcher) {
    const value = (labels ?? EMPTY)[k];
    if (value !== matcher[k] && !(matcher[k] === '' && value === undefined)) return false;
  }
  return true;
}

/** A frozen empty label set, shared. */
export const NO_LABELS = EMPTY;
