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
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g)];
    if (parts.length > 0 && parts.map((p) => p[0]).join('') === text.replace(/\s+/g, '')) {
      return parts.reduce((sum, [, n, unit]) => sum + Number(n) * DURATION_UNITS[unit], 0);
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
    if (match && unit !== undefined) return Math.round(Number(match[1]) * unit);
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
