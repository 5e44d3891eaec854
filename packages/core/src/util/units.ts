import { VitalsError } from '../errors';

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a duration: a number of milliseconds, or a string such as `250ms`, `30s`, `10m`, `2h`, `1d`
 * (`1h30m` works too). Throws ERR_INVALID_ARGUMENT with a one-line message otherwise.
 */
export function parseDuration(input: number | string): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return input;
  if (typeof input === 'string') {
    const text = input.trim();
    // Finite only: 400 digits read as Infinity, which no timer or range check can use.
    if (/^\d+(\.\d+)?$/.test(text) && Number.isFinite(Number(text))) return Number(text);
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g)];
    if (parts.length > 0 && parts.map((p) => p[0]).join('') === text.replace(/\s+/g, '')) {
      const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * DURATION_UNITS[unit], 0);
      if (Number.isFinite(ms)) return ms;
    }
  }
  throw new VitalsError(
    'ERR_INVALID_ARGUMENT',
    `invalid duration ${JSON.stringify(input)}: use milliseconds or a number with ms, s, m, h or d (e.g. "30s")`,
  );
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * Parses a size: a number of bytes, or `512M`, `2G`, `300MB`, `1.5GiB` (binary multiples, as PM2
 * and Docker read them). Throws ERR_INVALID_ARGUMENT otherwise.
 */
export function parseBytes(input: number | string): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return input;
  if (typeof input === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(input);
    const unit = match ? BYTE_UNITS[match[2].toLowerCase()] : undefined;
    const bytes = match && unit !== undefined ? Math.round(Number(match[1]) * unit) : NaN;
    if (Number.isFinite(bytes)) return bytes;
  }
  throw new VitalsError(
    'ERR_INVALID_ARGUMENT',
    `invalid size ${JSON.stringify(input)}: use bytes or a number with K, M, G or T (e.g. "512M")`,
  );
}

/** `1536` → `1.5 KiB`; `0` → `0 B`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${sign}${i === 0 ? value : value.toFixed(value >= 100 ? 0 : 1)} ${units[i]}`;
}

/** `90_000` → `1m30s`; `450` → `450ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return [d && `${d}d`, h && `${h}h`, m && `${m}m`, s && `${s}s`].filter(Boolean).join('') || '0s';
}

/**
 * The longest delay a Node timer takes: `setTimeout` fires after 1 ms for anything larger (a
 * 25-day `--kill-timeout` sent SIGKILL 29 ms after SIGTERM). Every duration Vitals accepts is at
 * most this, about 24.8 days.
 */
export const TIMER_MAX_MS = 2 ** 31 - 1;

/** Bounds of a value, inclusive, in the value's unit or as text (`"1s"`, `"512M"`). */
export interface UnitRange {
  readonly min?: number | string;
  readonly max?: number | string;
}

function outOfRange(what: string, input: unknown, rule: string): VitalsError {
  return new VitalsError(
    'ERR_INVALID_ARGUMENT',
    `${what} ${JSON.stringify(input)} is out of range: ${rule}`,
  );
}

/**
 * {@link parseDuration}, then checked against `range` (default: 0 to {@link TIMER_MAX_MS}).
 * @param what - how the value is named in the message: `--grace`, `monitor.intervalMs`.
 * @throws VitalsError `ERR_INVALID_ARGUMENT`, one line: `--grace "25d" is out of range: must be at most 24d20h31m24s (timers overflow at 2^31 ms)`.
 * @example parseDurationInRange('30s', { min: '1s', max: '1h' }, '--grace') // 30000
 */
export function parseDurationInRange(
  input: number | string,
  range: UnitRange = {},
  what = 'duration',
): number {
  const ms = parseDuration(input);
  const min = range.min === undefined ? 0 : parseDuration(range.min);
  const max = Math.min(
    range.max === undefined ? TIMER_MAX_MS : parseDuration(range.max),
    TIMER_MAX_MS,
  );
  if (ms < min) throw outOfRange(what, input, `must be at least ${formatDuration(min)}`);
  if (ms > max) {
    const why = max === TIMER_MAX_MS ? ' (timers overflow at 2^31 ms)' : '';
    throw outOfRange(what, input, `must be at most ${formatDuration(max)}${why}`);
  }
  return ms;
}

/**
 * {@link parseBytes}, then checked against `range` (default: 0 to 2^53). A unitless number below
 * the minimum is most likely meant in MB (`--max-memory 100`): the message says to write a unit.
 * @throws VitalsError `ERR_INVALID_ARGUMENT`: `--max-memory 100 is out of range: must be at least 1.0 MiB; a number without a unit is bytes: write "100M"`.
 * @example parseBytesInRange('512M', { min: '1M' }, 'maxMemory') // 536870912
 */
export function parseBytesInRange(
  input: number | string,
  range: UnitRange = {},
  what = 'size',
): number {
  const bytes = parseBytes(input);
  const min = range.min === undefined ? 0 : parseBytes(range.min);
  const max = range.max === undefined ? Number.MAX_SAFE_INTEGER : parseBytes(range.max);
  const unitless = typeof input === 'number' || /^\s*[\d.]+\s*$/.test(input);
  if (bytes < min) {
    const hint =
      unitless && bytes > 0
        ? `; a number without a unit is bytes: write "${String(input).trim()}M"`
        : '';
    throw outOfRange(what, input, `must be at least ${formatBytes(min)}${hint}`);
  }
  if (bytes > max) throw outOfRange(what, input, `must be at most ${formatBytes(max)}`);
  return bytes;
}

/**
 * A count (connections, series, retries): an integer, or its decimal text, within `range`
 * (default 0 to 2^31 − 1).
 * @throws VitalsError `ERR_INVALID_ARGUMENT`: `--limit "-1" is out of range: must be at least 1`.
 * @example parseCountInRange('20', { min: 1, max: 1000 }, '--limit') // 20
 */
export function parseCountInRange(
  input: number | string,
  range: { readonly min?: number; readonly max?: number } = {},
  what = 'count',
): number {
  const n = typeof input === 'number' ? input : /^\s*-?\d+\s*$/.test(input) ? Number(input) : NaN;
  if (!Number.isSafeInteger(n))
    throw new VitalsError(
      'ERR_INVALID_ARGUMENT',
      `${what} ${JSON.stringify(input)} must be a whole number`,
    );
  const min = range.min ?? 0;
  const max = range.max ?? 2 ** 31 - 1;
  if (n < min) throw outOfRange(what, input, `must be at least ${min}`);
  if (n > max) throw outOfRange(what, input, `must be at most ${max}`);
  return n;
}
