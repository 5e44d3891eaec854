import { METRICS, formatBytes, formatDuration, seriesKey } from '@vitals/core';
import type { AlertEvent, Labels, SeriesValue } from '@vitals/core';

/** The latest values of one tick, indexed for the views. */
export class TickValues {
  private readonly byKey = new Map<string, SeriesValue>();

  constructor(readonly values: readonly SeriesValue[]) {
    for (const v of values) this.byKey.set(seriesKey(v.name, v.labels), v);
  }

  /** The value of one series, or undefined. */
  get(name: string, labels?: Labels): number | undefined {
    return this.byKey.get(seriesKey(name, labels))?.value;
  }

  /** Every series of one metric. */
  all(name: string): SeriesValue[] {
    return this.values.filter((v) => v.name === name);
  }
}

const pct = (r: number | undefined): string =>
  r === undefined ? '-' : `${(r * 100).toFixed(1)} %`;
const bytes = (b: number | undefined): string => (b === undefined ? '-' : formatBytes(b));
const ms = (s: number | undefined): string =>
  s === undefined ? '-' : `${(s * 1000).toFixed(1)} ms`;
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/**
 * The compact terminal view of one tick: CPU, memory, disks, network, the process, the runtime,
 * and firing alerts highlighted (red critical, yellow warning). `color` off gives plain text.
 * @example stdout.write(renderTable(new TickValues(stream.latest()), engine.active(), { color: true }))
 */
export function renderTable(
  v: TickValues,
  alerts: readonly AlertEvent[],
  options: { color: boolean; pid?: number; at: number },
): string {
  const c = (code: string, text: string): string =>
    options.color ? `${code}${text}${RESET}` : text;
  const rows: [string, string][] = [];
  const cores = v
    .all(METRICS.cpuCoreUsedRatio)
    .sort((a, b) => Number(a.labels.cpu) - Number(b.labels.cpu))
    .map((s) => `${Math.round(s.value * 100)}`)
    .join(' ');
  rows.push([
    'CPU',
    `${pct(v.get(METRICS.cpuUsedRatio))}  cores [${cores}] %  load ${[METRICS.load1, METRICS.load5, METRICS.load15].map((n) => v.get(n)?.toFixed(2) ?? '-').join(' ')}`,
  ]);
  const limit = v.get(METRICS.cgroupMemoryLimitBytes);
  rows.push([
    'Memory',
    `${pct(v.get(METRICS.memoryUsedRatio))} used  ${bytes(v.get(METRICS.memAvailableBytes))} available of ${bytes(v.get(METRICS.memTotalBytes))}` +
      `${limit !== undefined ? `  container limit ${bytes(limit)}` : ''}  swap ${bytes(v.get(METRICS.swapUsedBytes))}`,
  ]);
  for (const fs of v.all(METRICS.fsUsedRatio)) {
    rows.push([
      `Disk ${fs.labels.mountpoint}`,
      `${pct(fs.value)} used  ${bytes(v.get(METRICS.fsAvailBytes, fs.labels))} free  (${fs.labels.device})`,
    ]);
  }
  for (const rx of v.all(METRICS.netReceiveBytes)) {
    if (rx.value === 0) continue;
    const tx = v.get(METRICS.netTransmitBytes, rx.labels);
    rows.push([
      `Net ${rx.labels.device}`,
      `rx ${bytes(rx.value)}  tx ${bytes(tx)}  errors ${(v.get(METRICS.netReceiveErrors, rx.labels) ?? 0) + (v.get(METRICS.netTransmitErrors, rx.labels) ?? 0)}`,
    ]);
  }
  const p: Labels | undefined =
    options.pid !== undefined ? { pid: String(options.pid) } : undefined;
  const fds = v.get(METRICS.processOpenFds, p);
  const uptime = v.get(METRICS.processUptimeSeconds, p);
  rows.push([
    options.pid !== undefined ? `Process ${options.pid}` : 'Process',
    `CPU ${pct(v.get(METRICS.processCpuRatio, p))}  RSS ${bytes(v.get(METRICS.processRssBytes, p))}  fds ${fds ?? '-'}/${v.get(METRICS.processMaxFds, p) ?? '-'}` +
      `  threads ${v.get(METRICS.processThreads, p) ?? '-'}  up ${uptime === undefined ? '-' : formatDuration(uptime * 1000)}`,
  ]);
  if (v.get(METRICS.heapUsedBytes) !== undefined) {
    rows.push([
      'Runtime',
      `loop p99 ${ms(v.get(METRICS.eventLoopLagP99))} max ${ms(v.get(METRICS.eventLoopLagMax))}  ELU ${pct(v.get(METRICS.eventLoopUtilization))}` +
        `  heap ${bytes(v.get(METRICS.heapUsedBytes))}/${bytes(v.get(METRICS.heapTotalBytes))}  handles ${v.get(METRICS.activeHandlesTotal) ?? '-'}`,
    ]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [c(BOLD, `vitals monitor  ${new Date(options.at).toISOString()}`), ''];
  for (const [k, text] of rows) lines.push(`${k.padEnd(width)}  ${text}`);
  lines.push('');
  if (alerts.length === 0) lines.push('Alerts  none firing');
  for (const a of alerts)
    lines.push(
      c(
        a.severity === 'critical' ? RED : YELLOW,
        `● ${a.severity.toUpperCase()} ${a.ruleId}: ${a.message}`,
      ),
    );
  return lines.join('\n') + '\n';
}

/** One JSON line per tick: `{ at, metrics: { 'name{label="v"}': value }, alerts }`. */
export function renderJsonLine(v: TickValues, alerts: readonly AlertEvent[], at: number): string {
  const metrics: Record<string, number | string> = {};
  for (const s of v.values) {
    const labels = Object.keys(s.labels)
      .sort()
      .map((k) => `${k}="${s.labels[k]}"`)
      .join(',');
    // JSON has no Infinity/NaN: they travel as strings.
    metrics[labels ? `${s.name}{${labels}}` : s.name] = Number.isFinite(s.value)
      ? s.value
      : String(s.value);
  }
  return JSON.stringify({ at: new Date(at).toISOString(), metrics, alerts }) + '\n';
}
