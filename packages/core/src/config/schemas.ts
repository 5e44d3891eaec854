import { z } from 'zod';
import {
  TIMER_MAX_MS,
  formatBytes,
  formatDuration,
  parseBytes,
  parseBytesInRange,
  parseDuration,
  parseDurationInRange,
} from '../util/units';
import type { UnitRange } from '../util/units';

export { z };

function positiveInt(what = 'a positive integer') {
  const error = `must be ${what}`;
  return z.number({ error }).int({ error }).positive({ error });
}

function nonNegativeInt(what = 'a non-negative integer') {
  const error = `must be ${what}`;
  return z.number({ error }).int({ error }).min(0, { error });
}

function ratio() {
  const error = 'must be a ratio between 0 and 1 (e.g. 0.8 for 80 %)';
  return z.number({ error }).min(0, { error }).max(1, { error });
}

/** The issue message of a value out of `range`: the message of the `*InRange` parser, after the value. */
function rangeMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^.*? is out of range: /, '');
}

/**
 * A duration in ms: a number, or a string such as "30s", "10m". Parses to milliseconds, within
 * `range` (default 0 to 2^31 − 1 ms, the longest a Node timer waits; an interval should set
 * `min`, e.g. `{ min: '100ms' }`, since 0 would spin). Give the default as the argument
 * (`schemas.duration('10m')`), not with `.default()`, so it is parsed too.
 * @example schemas.duration('1s', { min: '100ms', max: '1h' })
 */
function duration(defaultValue?: number | string, range: UnitRange = {}) {
  const error = 'must be a duration such as "30s", "10m" or a number of milliseconds';
  const schema = z.union([z.number(), z.string()], { error }).transform((value, ctx) => {
    try {
      parseDuration(value);
    } catch {
      ctx.issues.push({ code: 'custom', message: error, input: value });
      return z.NEVER;
    }
    try {
      return parseDurationInRange(value, range);
    } catch (e) {
      ctx.issues.push({ code: 'custom', message: rangeMessage(e), input: value });
      return z.NEVER;
    }
  });
  // zod's .default() would skip the transform; prefault parses the default like any value.
  return defaultValue === undefined ? schema : schema.prefault(defaultValue);
}

/**
 * A size in bytes: a number, or a string such as "512M", "2G", within `range` (default 0 to
 * 2^53). A unitless number under `min` gets a hint to write a unit (`maxMemory: 100` → "100M").
 * Default as the argument, like duration.
 * @example schemas.bytes('512M', { min: '16M', max: '1T' })
 */
function bytes(defaultValue?: number | string, range: UnitRange = {}) {
  const error = 'must be a size such as "512M", "2G" or a number of bytes';
  const schema = z.union([z.number(), z.string()], { error }).transform((value, ctx) => {
    try {
      parseBytes(value);
    } catch {
      ctx.issues.push({ code: 'custom', message: error, input: value });
      return z.NEVER;
    }
    try {
      return parseBytesInRange(value, range);
    } catch (e) {
      ctx.issues.push({ code: 'custom', message: rangeMessage(e), input: value });
      return z.NEVER;
    }
  });
  // zod's .default() would skip the transform; prefault parses the default like any value.
  return defaultValue === undefined ? schema : schema.prefault(defaultValue);
}

/**
 * An integer count within `range` (default 0 to 2^31 − 1): connections, series, retries.
 * @example schemas.count({ min: 1, max: 10_000 }).default(256)
 */
function count(range: { min?: number; max?: number } = {}) {
  const min = range.min ?? 0;
  const max = range.max ?? 2 ** 31 - 1;
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function port() {
  const error = 'must be a port number between 0 and 65535';
  return z.number({ error }).int({ error }).min(0, { error }).max(65535, { error });
}

/**
 * An access token: at least 16 visible ASCII characters, no spaces (a Bearer header cannot carry
 * them; 16 spaces are no secret). Errors never show the value, only its length.
 */
function token() {
  const error =
    'must be at least 16 visible characters without spaces (use a long random string, e.g. `openssl rand -hex 24`)';
  return z.string({ error }).regex(/^[\x21-\x7e]{16,}$/, { error });
}

/**
 * Schema building blocks with messages that read well in a config error line, e.g.
 * `vitals.config.json: monitor.intervalMs must be at least 100ms (got 0)`. Every duration, size,
 * count and ratio of a plugin's section should use them with a range that makes sense.
 * @example configSchema: z.strictObject({ intervalMs: schemas.duration('1s', { min: '100ms', max: '1h' }) })
 */
export const schemas = { positiveInt, nonNegativeInt, ratio, duration, bytes, count, port, token };

/** Re-exported for schemas that document their bounds. */
export { TIMER_MAX_MS, formatBytes, formatDuration };
