import { METRICS } from '@vitals/core';
import type {
  AlertEvent,
  Labels,
  ServiceState,
  SeriesValue,
  SupervisedService,
} from '@vitals/core';
import { histogramQuantile, parseLe } from '../shared/histogram-quantile';
import type { Bucket } from '../shared/histogram-quantile';

/** A leak verdict of one baseline (`heap` or `external`) of a service. */
export interface LeakView {
  readonly kind: string;
  /** Growth of the post-GC baseline, bytes/s (0: no leak). */
  readonly rateBytesPerSecond: number;
  /** 0–1, how well a line explains the baseline. */
  readonly confidence: number | null;
  /** Projected seconds to the heap limit at this rate, when leaking. */
  readonly timeToLimitSeconds: number | null;
}

/** One card of the Services section. */
export interface ServiceView {
  readonly name: string;
  readonly state: ServiceState | 'unknown';
  readonly pid: number | null;
  readonly restarts: number;
  readonly hangs: number;
  readonly startedAt: number | null;
  readonly rssBytes: number | null;
  readonly heapUsedBytes: number | null;
  readonly heapTotalBytes: number | null;
  readonly heapLimitBytes: number | null;
  /** Event-loop delay p99 of the child, seconds. */
  readonly eventLoopP99Seconds: number | null;
  readonly leaks: readonly LeakView[];
  /** The firing leak alert's message (it carries the snapshot diff when one was taken). */
  readonly leakMessage: string | null;
}

/** One row of the Processes table. */
export interface ProcessRow {
  readonly pid: number | null;
  /** `host` (this process), a service name, or `watched` (a `--pid` target). */
  readonly role: string;
  readonly cpuRatio: number | null;
  readonly rssBytes: number | null;
  readonly threads: number | null;
  readonly openFds: number | null;
  readonly uptimeSeconds: number | null;
}

/** One row of the Memory profiles table (`@memoryProfile`, cumulative since start). */
export interface ProfileRow {
  readonly fn: string;
  readonly calls: number;
  /** p95 call duration from the histogram's buckets, seconds. */
  readonly p95Seconds: number | null;
  /** Mean heap used after − before a call, bytes. */
  readonly meanHeapDeltaBytes: number | null;
  readonly gcs: number;
}

/** Firing and pending alerts now, and the last transitions (newest last). */
export interface AlertsView {
  readonly firing: readonly AlertEvent[];
  readonly pending: readonly AlertEvent[];
  readonly recent: readonly AlertEvent[];
}

/** The tables of the page, rebuilt from `MetricStream.latest()` on each tick. */
export interface TablesView {
  readonly services: readonly ServiceView[];
  readonly processes: readonly ProcessRow[];
  readonly profiles: readonly ProfileRow[];
  /** `vitals_duplicate_processes`, when the process plugin runs. */
  readonly duplicates: number | null;
}

const PROFILE = 'vitals_memory_profile_';
const SERVICE_STATES: readonly string[] = [
  'starting',
  'up',
  'restarting',
  'hung',
  'stopping',
  'stopped',
];

/** Series grouped by name, newest first inside a name. */
class Latest {
  private readonly byName = new Map<string, SeriesValue[]>();

  constructor(values: readonly SeriesValue[]) {
    for (const v of values) {
      const list = this.byName.get(v.name);
      if (list) list.push(v);
      else this.byName.set(v.name, [v]);
    }
    for (const list of this.byName.values()) list.sort((a, b) => b.at - a.at);
  }

  all(name: string): readonly SeriesValue[] {
    return this.byName.get(name) ?? [];
  }

  /** The newest value of `name` whose labels include `match`, and (with `bare`) nothing else. */
  value(name: string, match: Labels = {}, bare = false): number | null {
    for (const v of this.all(name)) {
      if (bare && Object.keys(v.labels).length !== Object.keys(match).length) continue;
      if (Object.entries(match).every(([k, x]) => v.labels[k] === x)) return v.value;
    }
    return null;
  }
}

function servicesOf(latest: Latest, registry: readonly SupervisedService[]): string[] {
  const names = new Set(registry.map((s) => s.name));
  for (const name of [METRICS.serviceUp, METRICS.serviceRestarts, METRICS.serviceState]) {
    for (const v of latest.all(name)) if (v.labels.service) names.add(v.labels.service);
  }
  return [...names].sort();
}

function stateFromSeries(latest: Latest, service: string): ServiceState | 'unknown' {
  for (const v of latest.all(METRICS.serviceState)) {
    if (v.labels.service === service && v.value === 1 && SERVICE_STATES.includes(v.labels.state))
      return v.labels.state as ServiceState;
  }
  const up = latest.value(METRICS.serviceUp, { service });
  if (up === null) return 'unknown';
  return up === 1 ? 'up' : 'restarting';
}

function leaksOf(latest: Latest, service: string): LeakView[] {
  const out: LeakView[] = [];
  for (const v of latest.all(METRICS.leakRateBytesPerSecond)) {
    if (v.labels.service !== service) continue;
    const kind = v.labels.kind ?? 'heap';
    if (out.some((l) => l.kind === kind)) continue;
    out.push({
      kind,
      rateBytesPerSecond: v.value,
      confidence: latest.value(METRICS.leakConfidenceRatio, { service, kind }),
      timeToLimitSeconds: latest.value(METRICS.leakTimeToLimitSeconds, { service, kind }),
    });
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind));
}

function isLeakAlert(e: AlertEvent): boolean {
  return e.metric.startsWith('vitals_memory_leak') || /leak/i.test(e.ruleId);
}

function serviceView(
  latest: Latest,
  name: string,
  registered: SupervisedService | undefined,
  firing: readonly AlertEvent[],
): ServiceView {
  const s = { service: name };
  const leakAlert = firing.find((e) => e.labels.service === name && isLeakAlert(e));
  return {
    name,
    state: registered?.state ?? stateFromSeries(latest, name),
    pid: registered?.pid ?? null,
    restarts: registered?.restarts ?? latest.value(METRICS.serviceRestarts, s) ?? 0,
    hangs: latest.value(METRICS.serviceHangs, s) ?? 0,
    startedAt: registered?.startedAt ?? null,
    rssBytes:
      latest.value(METRICS.serviceTreeRssBytes, s) ?? latest.value(METRICS.processRssBytes, s),
    heapUsedBytes: latest.value(METRICS.heapUsedBytes, s),
    heapTotalBytes: latest.value(METRICS.heapTotalBytes, s),
    heapLimitBytes: latest.value(METRICS.heapLimitBytes, s),
    eventLoopP99Seconds: latest.value(METRICS.eventLoopLagP99, s),
    leaks: leaksOf(latest, name),
    leakMessage: leakAlert?.message ?? null,
  };
}

/** Seconds since `process_start_time_seconds` (prom-client's: seconds since the epoch). */
function uptime(startSeconds: number | null, now: number): number | null {
  return startSeconds === null ? null : Math.max(0, now / 1000 - startSeconds);
}

function processRows(
  latest: Latest,
  now: number,
  selfPid: number,
  freshAfter: number,
  currentPid: ReadonlyMap<string, number | undefined>,
): ProcessRow[] {
  const rows: ProcessRow[] = [];
  const row = (pid: number | null, role: string, match: Labels, bare: boolean): ProcessRow => ({
    pid,
    role,
    cpuRatio: latest.value(METRICS.processCpuRatio, match, bare),
    rssBytes: latest.value(METRICS.processRssBytes, match, bare),
    threads: latest.value(METRICS.processThreads, match, bare),
    openFds: latest.value(METRICS.processOpenFds, match, bare),
    uptimeSeconds: uptime(latest.value(METRICS.processStartTimeSeconds, match, bare), now),
  });
  if (latest.value(METRICS.processRssBytes, {}, true) !== null)
    rows.push(row(selfPid, 'host', {}, true));
  const seen = new Set<string>();
  for (const name of [METRICS.processRssBytes, METRICS.serviceProcessRssBytes]) {
    // A service's processes arrive in one batch: rows older than its newest batch are of a
    // child that exited (a restarted service's previous pid).
    const newest = new Map<string, number>();
    for (const v of latest.all(name)) {
      const service = v.labels.service;
      if (service && v.labels.pid) newest.set(service, Math.max(newest.get(service) ?? 0, v.at));
    }
    for (const v of latest.all(name)) {
      const pid = v.labels.pid;
      if (!pid || v.at < freshAfter) continue;
      if (v.labels.service && v.at < (newest.get(v.labels.service) ?? 0)) continue;
      const role = v.labels.service ?? 'watched';
      // A restarted service's previous child: its last series linger; the registry knows better.
      const current = v.labels.service ? currentPid.get(v.labels.service) : undefined;
      if (current !== undefined && v.name === METRICS.processRssBytes && String(current) !== pid)
        continue;
      const key = `${role}\u0000${pid}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const match: Labels = v.labels.service ? { service: role, pid } : { pid };
      const r = row(Number(pid), role, match, true);
      rows.push(r.rssBytes === null ? { ...r, rssBytes: v.value } : r);
    }
  }
  return rows;
}

function profileRows(latest: Latest): ProfileRow[] {
  const fns = new Set<string>();
  for (const v of latest.all(`${PROFILE}duration_seconds_count`))
    if (v.labels.fn) fns.add(v.labels.fn);
  const rows: ProfileRow[] = [];
  for (const fn of [...fns].sort()) {
    const calls = latest.value(`${PROFILE}duration_seconds_count`, { fn }) ?? 0;
    const buckets: Bucket[] = [];
    for (const v of latest.all(`${PROFILE}duration_seconds_bucket`)) {
      const le = parseLe(v.labels.le);
      if (v.labels.fn === fn && !Number.isNaN(le)) buckets.push({ le, count: v.value });
    }
    const p95 = histogramQuantile(0.95, buckets);
    const deltaSum = latest.value(`${PROFILE}heap_delta_bytes_sum`, { fn });
    const deltaCount = latest.value(`${PROFILE}heap_delta_bytes_count`, { fn });
    rows.push({
      fn,
      calls,
      p95Seconds: Number.isFinite(p95) ? p95 : null,
      meanHeapDeltaBytes: deltaSum !== null && deltaCount ? deltaSum / deltaCount : null,
      gcs: latest.value(`${PROFILE}gc_total`, { fn }) ?? 0,
    });
  }
  return rows;
}

/**
 * Builds the page's tables from the stream's latest values, the supervisor's registry (when one
 * runs) and the firing alerts. Series of a process that stopped reporting before `freshAfter`
 * (epoch ms) are left out of the Processes table.
 */
export function buildTables(input: {
  readonly latest: readonly SeriesValue[];
  readonly services: readonly SupervisedService[];
  readonly firing: readonly AlertEvent[];
  readonly selfPid: number;
  readonly freshAfter: number;
  /** Now, epoch ms (for uptimes). */
  readonly now: number;
}): TablesView {
  const latest = new Latest(input.latest);
  const byName = new Map(input.services.map((s) => [s.name, s]));
  return {
    services: servicesOf(latest, input.services).map((name) =>
      serviceView(latest, name, byName.get(name), input.firing),
    ),
    processes: processRows(
      latest,
      input.now,
      input.selfPid,
      input.freshAfter,
      new Map(input.services.map((s) => [s.name, s.pid])),
    ),
    profiles: profileRows(latest),
    duplicates: latest.value(METRICS.duplicateProcesses),
  };
}
