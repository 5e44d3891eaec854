import type { Labels } from '../metrics/metric.types';

/**
 * A value for humans: integers as they are, other numbers to 6 significant digits
 * (`0.8500000001` → `0.85`).
 *
 * @example formatAlertValue(0.8500000001) // '0.85'
 */
export function formatAlertValue(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/**
 * Labels in Prometheus notation, `{device="sda1",mountpoint="/"}`; empty labels give `''`.
 *
 * @example formatAlertLabels({ mountpoint: '/' }) // '{mountpoint="/"}'
 */
export function formatAlertLabels(labels: Labels): string {
  let out = '';
  for (const k in labels) out += `${out ? ',' : ''}${k}=${JSON.stringify(labels[k])}`;
  return out ? `{${out}}` : '';
}

/**
 * The one-line message of an alert event:
 * `${summary ?? id}: ${metric}${labels} = ${value} ${op} ${threshold}`, plus an optional note.
 *
 * @example formatAlertMessage('Disk above 85 %', 'vitals_disk_used_ratio', { mountpoint: '/' }, 0.91, '>', 0.85)
 * // 'Disk above 85 %: vitals_disk_used_ratio{mountpoint="/"} = 0.91 > 0.85'
 */
export function formatAlertMessage(
  title: string,
  metric: string,
  labels: Labels,
  value: number,
  op: string,
  threshold: number,
  note?: string,
): string {
  const text = `${title}: ${metric}${formatAlertLabels(labels)} = ${formatAlertValue(value)} ${op} ${formatAlertValue(threshold)}`;
  return note ? `${text} (${note})` : text;
}
