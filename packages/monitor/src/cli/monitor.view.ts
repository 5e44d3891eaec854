import { METRICS, escapeControl, formatBytes, formatDuration, seriesKey } from '@vitals/core';
import type { AlertEvent, Labels, SeriesValue } from '@vitals/core';
import { CGROUP_CPU_METRICS } from './target-cgroup.collector';

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
 * The compact terminal view of one tick in two sections, each headed by whose figures they are:
 * `machine` (CPU, memory, disks, network) and the watched process (`pid 1234 (node bot.js)`, or
 * `this process (pid N)`: its CPU, RSS, fds, threads, its own cgroup's memory, CPU quota and
 * throttling, and the runtime), then firing alerts highlighted (red critical, yellow warning).
 * `color` off gives plain text. Network rows show bytes per second since `previous` (totals since
 * boot without it). Labels and alert texts from outside have their control characters escaped.
 * @example stdout.write(renderTable(new TickValues(stream.latest()), engine.active(), { color: true }))
 */
export function renderTable(
  v: TickValues,
  alerts: readonly AlertEvent[],
  options: {
    color: boolean;
    /** Another process watched (`--pid`): its series carry this `pid` label. */
    pid?: number;
    /** Whose the process rows are, e.g. `pid 1234 (node bot.js)` (escaped). */
    subject?: string;
    at: number;
    /** The previous view's values and time: network rows then show rates instead of totals. */
    previous?: { values: TickValues; at: number };
  },
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
  // The machine's memory, not vitals_system_memory_used_ratio (the CLI's own container when it
  // has a limit): the watched process's cgroup has its own row below.
  const total = v.get(METRICS.memTotalBytes);
  const available = v.get(METRICS.memAvailableBytes);
  const machineUsed =
    total !== undefined && total > 0 && available !== undefined
      ? (total - available) / total
      : v.get(METRICS.memoryUsedRatio);
  rows.push([
    'Memory',
    `${pct(machineUsed)} used  ${bytes(available)} available of ${bytes(total)}  swap ${bytes(v.get(METRICS.swapUsedBytes))}`,
  ]);
  for (const fs of v.all(METRICS.fsUsedRatio)) {
    rows.push([
      escapeControl(`Disk ${fs.labels.mountpoint}`),
      `${pct(fs.value)} used  ${bytes(v.get(METRICS.fsAvailBytes, fs.labels))} free  (${escapeControl(fs.labels.device ?? '')})`,
    ]);
  }
  const prev = options.previous;
  const seconds = prev ? (options.at - prev.at) / 1000 : 0;
  /** Per-second rate of a counter since the previous view, or its total on the first one. */
  const flow = (name: string, labels: Labels): string => {
    const now = v.get(name, labels);
    const before = prev?.values.get(name, labels);
    if (now === undefined) return '-';
    if (before === undefined || seconds <= 0 || now < before) return `${bytes(now)} total`;
    return `${bytes((now - before) / seconds)}/s`;
  };
  for (const rx of v.all(METRICS.netReceiveBytes)) {
    if (rx.value === 0) continue;
    const errors =
      (v.get(METRICS.netReceiveErrors, rx.labels) ?? 0) +
      (v.get(METRICS.netTransmitErrors, rx.labels) ?? 0);
    rows.push([
      escapeControl(`Net ${rx.labels.device}`),
      `rx ${flow(METRICS.netReceiveBytes, rx.labels)}  tx ${flow(METRICS.netTransmitBytes, rx.labels)}  errors ${errors}`,
    ]);
  }
  const machineRows = rows.length;
  const p: Labels | undefined =
    options.pid !== undefined ? { pid: String(options.pid) } : undefined;
  const fds = v.get(METRICS.processOpenFds, p);
  // Uptime from the start time, as PromQL does (`time() - process_start_time_seconds`).
  const started = v.get(METRICS.processStartTimeSeconds, p);
  const uptime = started === undefined ? undefined : Math.max(0, options.at / 1000 - started);
  rows.push([
    'Process',
    `CPU ${pct(v.get(METRICS.processCpuRatio, p))}  RSS ${bytes(v.get(METRICS.processRssBytes, p))}  fds ${fds ?? '-'}/${v.get(METRICS.processMaxFds, p) ?? '-'}` +
      `  threads ${v.get(METRICS.processThreads, p) ?? '-'}  up ${uptime === undefined ? '-' : formatDuration(uptime * 1000)}`,
  ]);
  const cgroup = cgroupRow(v, p);
  if (cgroup) rows.push(['Cgroup', cgroup]);
  if (options.pid === undefined && v.get(METRICS.heapUsedBytes) !== undefined) {
    rows.push([
      'Runtime',
      `loop p99 ${ms(v.get(METRICS.eventLoopLagP99))} max ${ms(v.get(METRICS.eventLoopLagMax))}  ELU ${pct(v.get(METRICS.eventLoopUtilization))}` +
        `  heap ${bytes(v.get(METRICS.heapUsedBytes))}/${bytes(v.get(METRICS.heapTotalBytes))}  handles ${v.get(METRICS.activeHandlesTotal) ?? '-'}`,
    ]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [c(BOLD, `vitals monitor  ${new Date(options.at).toISOString()}`), ''];
  const whose =
    options.subject ??
    (options.pid !== undefined ? `pid ${options.pid}` : `this process (pid ${process.pid})`);
  rows.forEach(([k, text], i) => {
    if (i === 0) lines.push(c(BOLD, 'machine'));
    if (i === machineRows) lines.push('', c(BOLD, whose));
    lines.push(`${k.padEnd(width)}  ${text}`);
  });
  lines.push('');
  if (alerts.length === 0) lines.push('Alerts  none firing');
  for (const a of alerts) {
    // A rule without a summary already starts its message with its id.
    const text = a.message.startsWith(a.ruleId) ? a.message : `${a.ruleId}: ${a.message}`;
    lines.push(
      c(
        a.severity === 'critical' ? RED : YELLOW,
        `● ${a.severity.toUpperCase()} ${escapeControl(text)}`,
      ),
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * The watched process's own cgroup: working set against its memory limit, CPU quota, and the
 * share of CFS periods throttled since the previous tick; undefined when it has none of these.
 */
function cgroupRow(v: TickValues, p: Labels | undefined): string | undefined {
  const parts: string[] = [];
  const limit = v.get(METRICS.cgroupMemoryLimitBytes, p);
  const total = v.get(METRICS.memTotalBytes);
  if (limit !== undefined && (total === undefined || limit < total)) {
    const inUse =
      v.get(METRICS.cgroupMemoryWorkingSetBytes, p) ?? v.get(METRICS.cgroupMemoryUsageBytes, p);
    parts.push(
      inUse !== undefined
        ? `memory ${bytes(inUse)} of ${bytes(limit)} (${pct(inUse / limit)})`
        : `memory limit ${bytes(limit)}`,
    );
  }
  const quota = v.get(METRICS.cgroupCpuLimitCores, p);
  if (quota !== undefined) parts.push(`CPU quota ${+quota.toFixed(3)} cores`);
  const throttled = v.get(CGROUP_CPU_METRICS.throttledRatio, p);
  if (throttled !== undefined && (quota !== undefined || throttled > 0))
    parts.push(`throttled ${pct(throttled)} of periods`);
  return parts.length > 0 ? parts.join('  ') : undefined;
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
