/** Value formatters of the page (pure: also used by the specs). */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * Control characters (C0 but tab and newline, DEL, C1) and Unicode bidi controls (which would
 * show the rest of a line reversed: "Trojan Source" spoofing).
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Outside text (labels, alert messages, names) as the page shows it: each control or bidi
 * character written as a visible escape, `\x1b` or `\u202e`, as the CLI does for a terminal.
 */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `1536` → `"1.5 KiB"`; `null` → `"–"`. */
export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  let v = Math.abs(value);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const text = v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1);
  return `${value < 0 ? '-' : ''}${text} ${BYTE_UNITS[i]}`;
}

/** Seconds → `"850 ms"`, `"2.5 s"`, `"3 min"`, `"2.1 h"`, `"4.0 d"`. */
export function formatSeconds(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const a = Math.abs(value);
  if (a < 0.001) return `${(value * 1e6).toFixed(0)} µs`;
  if (a < 1) return `${(value * 1000).toFixed(a < 0.01 ? 2 : 0)} ms`;
  if (a < 120) return `${value.toFixed(1)} s`;
  if (a < 7200) return `${(value / 60).toFixed(0)} min`;
  if (a < 172800) return `${(value / 3600).toFixed(1)} h`;
  return `${(value / 86400).toFixed(1)} d`;
}

/** Ratio 0–1 → `"42.0 %"`. */
export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${(value * 100).toFixed(1)} %`;
}

/** A plain number with up to 3 significant decimals. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/** Epoch ms → local `HH:MM:SS`. */
export function formatTime(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `{ a: '1', b: 'x' }` → `a="1", b="x"` (JSON-quoted values). */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ');
}
