import { join } from 'node:path';
import type { Labels, MetricBatch, Sample } from '@vitals/core';
import { METRICS } from '@vitals/core';

/**
 * Path of the plain-JS agent that `vitals run` loads into Node children with `--require`. It sits
 * in `agent/` beside `src/` and `dist/`, so the same relative path works from the TypeScript
 * sources (tests) and from the built package (`node_modules/@vitals/startup/dist`).
 */
export const AGENT_PATH = join(__dirname, '..', 'agent', 'vitals-agent.js');

/** Source name of the batches the supervisor publishes for its child's periodic reports. */
export const AGENT_SOURCE = 'startup.agent';
/** Source of the post-GC batch after a major GC that the child ran by itself. */
export const AGENT_GC_SOURCE = 'startup.agent.gc';
/** Source of the post-GC batch after the agent's own measurement GC (`measured: true`). */
export const AGENT_MEASURED_GC_SOURCE = 'startup.agent.measured-gc';

/** What the child knew right after a major GC (one `gc` message per major GC). */
export interface AgentGcPoint {
  /** When the GC ended, epoch ms (the child's clock). */
  readonly at: number;
  /** `process.memoryUsage().heapUsed` right after the GC, bytes. */
  readonly heapUsed: number;
  /** `process.memoryUsage().external` right after the GC (array buffers included), bytes. */
  readonly external: number;
  /** V8's `heap_size_limit`, bytes. */
  readonly heapLimit: number | undefined;
  /** True for the agent's own measurement GC, false for a GC the child ran by itself. */
  readonly measured: boolean;
  /** The GC's pause, seconds. */
  readonly pauseSeconds: number;
}

/** The agent's answer to a heap snapshot request. */
export type AgentSnapshotReply =
  | { readonly ok: true; readonly id: string; readonly path: string; readonly bytes: number }
  | { readonly ok: false; readonly id: string; readonly code: string; readonly message: string };

/** A message the agent sends over the IPC channel. */
export type AgentMessage =
  | { readonly type: 'hello'; readonly pid: number; readonly node: string }
  | {
      readonly type: 'metrics';
      readonly pid: number;
      /** Which shape `values` follow (the agent numbers its shapes 1, 2, …). */
      readonly shape: number;
      /** The shape's names and labels, sent when it changed; malformed entries are `undefined`. */
      readonly series: readonly (AgentSeries | undefined)[] | undefined;
      /** One value per series of the shape, in its order; `null` for one not a finite number. */
      readonly values: readonly (number | null)[];
    }
  | { readonly type: 'gc'; readonly pid: number; readonly point: AgentGcPoint }
  | { readonly type: 'snapshot'; readonly pid: number; readonly reply: AgentSnapshotReply };

/** One series of a report's shape: a metric name and its own labels (`kind`, `le`). */
export interface AgentSeries {
  readonly name: string;
  readonly labels?: Labels;
}

const MAX_SAMPLES = 1000;

/**
 * The metric names `vitals-agent.js` reports, and nothing else is taken from a child: the child
 * can read the agent's token (from `/proc/self/environ`, whatever the agent deletes from
 * `process.env`) and must not publish under the supervisor's own names
 * (`vitals_supervisor_restarts_total`, `process_*` read from `/proc`, `up`).
 */
export const AGENT_METRICS: ReadonlySet<string> = new Set([
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_min_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_external_memory_bytes',
  'nodejs_gc_duration_seconds_bucket',
  'nodejs_gc_duration_seconds_count',
  'nodejs_gc_duration_seconds_sum',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'vitals_eventloop_delay_sampling',
  'vitals_eventloop_delay_seconds_bucket',
  'vitals_eventloop_delay_seconds_count',
  'vitals_eventloop_delay_seconds_sum',
  'vitals_eventloop_utilization_ratio',
  'vitals_measurement_gc_seconds_total',
  'vitals_measurement_gc_total',
  'vitals_nodejs_array_buffers_bytes',
  'vitals_nodejs_heap_size_limit_bytes',
]);

/** The label names the agent's series carry (GC kind, histogram bucket). */
const AGENT_LABELS: ReadonlySet<string> = new Set(['kind', 'le']);

/**
 * `[name]` or `[name, labels]` as the agent sends it; `undefined` when malformed, or when the name
 * is not one of {@link AGENT_METRICS} or a label not one the agent uses.
 */
function parseSeries(value: unknown): AgentSeries | undefined {
  if (!Array.isArray(value) || typeof value[0] !== 'string' || !AGENT_METRICS.has(value[0]))
    return undefined;
  const labels = value[1] as unknown;
  if (labels === undefined) return { name: value[0] };
  if (
    typeof labels !== 'object' ||
    labels === null ||
    !Object.entries(labels).every(([k, v]) => AGENT_LABELS.has(k) && typeof v === 'string')
  )
    return undefined;
  return { name: value[0], labels: labels as Labels };
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const text = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 500) : '');

type Raw = Record<string, unknown> | null;

function parseGc(msg: NonNullable<Raw>): AgentGcPoint | undefined {
  const { at, heapUsed, external, heapLimit, pauseSeconds } = msg;
  if (!finite(at) || !finite(heapUsed) || heapUsed < 0 || !finite(external) || external < 0)
    return undefined;
  return {
    at,
    heapUsed,
    external,
    heapLimit: finite(heapLimit) && heapLimit > 0 ? heapLimit : undefined,
    measured: msg.measured === true,
    pauseSeconds: finite(pauseSeconds) && pauseSeconds >= 0 ? pauseSeconds : 0,
  };
}

function parseSnapshot(msg: NonNullable<Raw>): AgentSnapshotReply | undefined {
  if (typeof msg.id !== 'string') return undefined;
  if (msg.ok === true && typeof msg.path === 'string')
    return { ok: true, id: msg.id, path: msg.path, bytes: finite(msg.bytes) ? msg.bytes : 0 };
  return { ok: false, id: msg.id, code: text(msg.code), message: text(msg.message) };
}

/**
 * Reads one IPC message: an agent message carrying `token`, or `undefined` for anything else (the
 * child's own `process.send` traffic, which the supervisor leaves alone). A report carries values
 * only, in the order of a numbered shape (names and labels) that it carries itself when it
 * changed (see the agent's `report`): about 0.4 KiB a second instead of 1.6 KiB of names. Malformed
 * values, series and GC points are dropped.
 * @example const msg = parseAgentMessage(raw, token); if (msg?.type === 'metrics') msg.values.length;
 */
export function parseAgentMessage(raw: unknown, token: string): AgentMessage | undefined {
  const msg = raw as Raw;
  if (typeof msg !== 'object' || msg === null || msg.vitals !== token) return undefined;
  const pid = typeof msg.pid === 'number' ? msg.pid : 0;
  if (msg.type === 'hello') return { type: 'hello', pid, node: text(msg.node) };
  if (msg.type === 'metrics' && Array.isArray(msg.values) && finite(msg.shape)) {
    const values = (msg.values as unknown[])
      .slice(0, MAX_SAMPLES)
      .map((v) => (finite(v) ? v : null));
    const series = Array.isArray(msg.series)
      ? (msg.series as unknown[]).slice(0, MAX_SAMPLES).map(parseSeries)
      : undefined;
    return { type: 'metrics', pid, shape: msg.shape, series, values };
  }
  if (msg.type === 'gc') {
    const point = parseGc(msg);
    return point && { type: 'gc', pid, point };
  }
  if (msg.type === 'snapshot') {
    const reply = parseSnapshot(msg);
    return reply && { type: 'snapshot', pid, reply };
  }
  return undefined;
}

/**
 * The batch the supervisor publishes for an agent report: the well-known metric names, each
 * sample labelled with `labels` (`{ service }`) beside its own labels such as `kind`.
 * @example stream.publish(agentBatch([{ name: 'up', value: 1 }], { service: 'api' }, clock.now()))
 */
export function agentBatch(samples: readonly Sample[], labels: Labels, at: number): MetricBatch {
  return {
    source: AGENT_SOURCE,
    at,
    samples: samples.map((s) => ({
      name: s.name,
      value: s.value,
      labels: { ...s.labels, ...labels },
    })),
  };
}

/**
 * The post-GC batch of one major GC: `vitals_heap_after_gc_bytes`, `vitals_external_after_gc_bytes`
 * and `vitals_nodejs_heap_size_limit_bytes`, labelled `labels` (`{ service }`), `at` the GC's time.
 * A measurement GC's batch has source {@link AGENT_MEASURED_GC_SOURCE}.
 * @example stream.publish(gcBatch(point, { service: 'api' }, point.at))
 */
export function gcBatch(point: AgentGcPoint, labels: Labels, at: number): MetricBatch {
  const samples: Sample[] = [
    { name: METRICS.heapAfterGcBytes, value: point.heapUsed, labels },
    { name: METRICS.externalAfterGcBytes, value: point.external, labels },
  ];
  if (point.heapLimit !== undefined)
    samples.push({ name: METRICS.heapLimitBytes, value: point.heapLimit, labels });
  return { source: point.measured ? AGENT_MEASURED_GC_SOURCE : AGENT_GC_SOURCE, at, samples };
}

/** Options of {@link AgentLink}. */
export interface AgentLinkOptions {
  readonly token: string;
  readonly now: () => number;
  readonly publish?: (batch: MetricBatch) => void;
  readonly labels: () => Labels;
  readonly onHello: (pid: number, node: string) => void;
  /** A snapshot request was answered. */
  readonly onSnapshot?: (reply: AgentSnapshotReply) => void;
  /**
   * A periodic report was published: the supervisor is awake anyway, so work due about now (the
   * child's `/proc` reading) can share this wake-up instead of taking its own.
   */
  readonly onReport?: () => void;
}

/** A child's GC time is trusted when within this of the supervisor's clock; else `now` is used. */
const MAX_SKEW_MS = 60_000;

/**
 * The supervisor's end of the agent's IPC channel for one child at a time: agent reports become
 * batches on the stream (labelled `{service}`), each major GC a post-GC batch at the GC's time, the
 * hello becomes `onHello`, and the time of the last message tells whether the child still reports.
 * Other messages are left alone.
 * @example link.attach(child); ... link.reportedWithin(3000)
 */
export class AgentLink {
  private child: { pid?: number } | undefined;
  private lastAt: number | undefined;
  /** The current child's report shape: each series with the supervisor's labels merged in. */
  private shape: { readonly id: number; readonly series: readonly (AgentSeries | undefined)[] } = {
    id: -1,
    series: [],
  };

  constructor(private readonly options: AgentLinkOptions) {}

  /** Listens to a newly started child (and forgets the previous one); the spawn counts as a report. */
  attach(child: { pid?: number; on(event: 'message', fn: (raw: unknown) => void): unknown }): void {
    this.child = child;
    this.shape = { id: -1, series: [] };
    this.lastAt = this.options.now();
    child.on('message', (raw) => this.receive(child, raw));
  }

  /** True when the current child's agent reported (or the child spawned) within `ms`. */
  reportedWithin(ms: number): boolean {
    return this.lastAt !== undefined && this.options.now() - this.lastAt <= ms;
  }

  /** Ms since the child's last message (or its spawn). */
  silentForMs(): number {
    return this.lastAt === undefined ? 0 : this.options.now() - this.lastAt;
  }

  /** Counts now as a report (after a pause the supervisor asked for, such as a heap snapshot). */
  touch(): void {
    if (this.lastAt !== undefined) this.lastAt = this.options.now();
  }

  private receive(child: { pid?: number }, raw: unknown): void {
    const msg = parseAgentMessage(raw, this.options.token);
    if (!msg || child !== this.child) return;
    const now = this.options.now();
    this.lastAt = now;
    if (msg.type === 'hello') return this.options.onHello(msg.pid, msg.node);
    if (msg.type === 'snapshot') return this.options.onSnapshot?.(msg.reply);
    const labels = this.options.labels();
    if (msg.type === 'gc') {
      const at = Math.abs(msg.point.at - now) <= MAX_SKEW_MS ? msg.point.at : now;
      return this.options.publish?.(gcBatch(msg.point, labels, at));
    }
    if (msg.series) {
      this.shape = {
        id: msg.shape,
        series: msg.series.map(
          (s) => s && { name: s.name, labels: Object.freeze({ ...s.labels, ...labels }) },
        ),
      };
    }
    const { id, series } = this.shape;
    // Values of a shape never received (or of another length) cannot be named: dropped.
    if (id === msg.shape && series.length === msg.values.length) {
      const samples: Sample[] = [];
      msg.values.forEach((value, i) => {
        const s = series[i];
        if (s && value !== null) samples.push({ name: s.name, value, labels: s.labels });
      });
      this.options.publish?.({ source: AGENT_SOURCE, at: now, samples });
    }
    this.options.onReport?.();
  }
}
