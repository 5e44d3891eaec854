import { VitalsError } from '@vitals/core';
import type { Labels } from '@vitals/core';

/** A parsed `series` parameter: a metric name and labels that must match exactly. */
export interface SeriesSelector {
  readonly name: string;
  readonly labels: Labels;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Longest selector accepted, characters. */
export const MAX_SELECTOR_LENGTH = 512;

function invalid(text: string, why: string): never {
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  throw new VitalsError(
    'ERR_INVALID_ARGUMENT',
    `series ${shown}: ${why}; write a metric name, optionally with labels: name{label="value"}`,
  );
}

/**
 * Parses a series selector as PromQL writes one: `name` or `name{label="value",…}` (values in
 * double quotes, `\"` and `\\` escaped; equality only). Throws VitalsError `ERR_INVALID_ARGUMENT`
 * with a one-line reason on anything else.
 *
 * @example parseSelector('process_resident_memory_bytes{service="api"}') // { name, labels: { service: 'api' } }
 */
export function parseSelector(text: string): SeriesSelector {
  if (text.length === 0) invalid(text, 'empty');
  if (text.length > MAX_SELECTOR_LENGTH)
    invalid(text, `longer than ${MAX_SELECTOR_LENGTH} characters`);
  const brace = text.indexOf('{');
  const name = brace < 0 ? text : text.slice(0, brace);
  if (!NAME.test(name)) invalid(text, 'not a metric name');
  if (brace < 0) return { name, labels: {} };
  if (!text.endsWith('}')) invalid(text, 'missing the closing }');
  const body = text.slice(brace + 1, -1);
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0) invalid(text, 'a label needs ="value"');
    const key = body.slice(i, eq).trim();
    if (!LABEL.test(key)) invalid(text, `${JSON.stringify(key)} is not a label name`);
    if (key in labels) invalid(text, `label ${key} appears twice`);
    let j = eq + 1;
    if (body[j] !== '"') invalid(text, 'label values go in double quotes');
    let value = '';
    for (j++; j < body.length && body[j] !== '"'; j++) {
      if (body[j] === '\\') {
        j++;
        if (body[j] !== '"' && body[j] !== '\\') invalid(text, 'only \\" and \\\\ may be escaped');
      }
      value += body[j];
    }
    if (j >= body.length) invalid(text, 'a label value is not closed');
    labels[key] = value;
    i = j + 1;
    while (body[i] === ' ') i++;
    if (i < body.length) {
      if (body[i] !== ',') invalid(text, 'labels are separated by commas');
      i++;
      while (body[i] === ' ') i++;
    }
  }
  return { name, labels };
}
