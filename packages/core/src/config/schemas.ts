import { z } from 'zod';
import { parseBytes, parseDuration } from '../util/units';

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

/**
 * A duration in ms: a number, or a string such as "30s", "10m". Parses to milliseconds. Give the
 * default as the argument (`schemas.duration('10m')`), not with `.default()`, so it is parsed too.
 */
function duration(defaultValue?: number | string) {
  const error = 'must be a duration such as "30s", "10m" or a number of milliseconds';
  const schema = z.union([z.number(), z.string()], { error }).transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch {
      ctx.issues.push({ code: 'custom', message: error, input: value });
      return z.NEVER;
    }
  });
  // zod's .default() would skip the transform; prefault parses the default like any value.
  return defaultValue === undefined ? schema : schema.prefault(defaultValue);
}

/** A size in bytes: a number, or a string such as "512M", "2G". Default as the argument, like duration. */
function bytes(defaultValue?: number | string) {
  const error = 'must be a size such as "512M", "2G" or a number of bytes';
  const schema = z.union([z.number(), z.string()], { error }).transform((value, ctx) => {
    try {
      return parseBytes(value);
    } catch {
      ctx.issues.push({ code: 'custom', message: error, input: value });
      return z.NEVER;
    }
  });
  // zod's .default() would skip the transform; prefault parses the default like any value.
  return defaultValue === undefined ? schema : schema.prefault(defaultValue);
}

function port() {
  const error = 'must be a port number between 0 and 65535';
  return z.number({ error }).int({ error }).min(0, { error }).max(65535, { error });
}

/**
 * Schema building blocks with messages that read well in a config error line, e.g.
 * `vitals.config.json: monitor.intervalMs must be a positive integer (got "fast")`.
 * @example configSchema: z.strictObject({ intervalMs: schemas.positiveInt().default(1000) })
 */
export const schemas = { positiveInt, nonNegativeInt, ratio, duration, bytes, port };
