import { join } from 'node:path';
import type { Labels, MetricBatch, Sample } from '@vitals/core';

/**
 * Path of the plain-JS agent that `vitals run` loads into Node children with `--require`. It sits
 * in `agent/` beside `src/` and `dist/`, so the same relative path works from the TypeScript
 * sources (tests) and from the built package (`node_modules/@vitals/startup/dist`).
 */
export const AGENT_PATH = join(__dirname, '..', 'agent', 'vitals-agent.js');

/** Source name of the batches the supervisor publishes for its child. */
export const AGENT_SOURCE = 'startup.agent';

/** A message the agent sends over the IPC channel. */
export type AgentMessage =
  | { readonly type: 'hello'; readonly pid: number; readonly node: string }
  | { readonly type: 'metrics'; readonly pid: number; readonly samples: readonly Sample[] };

const MAX_SAMPLES = 1000;

function isSample(value: unknown): value is Sample {
  const s = value as Sample | null;
  if (typeof s?.name !== 'string' || typeof s.value !== 'number' || !Number.isFinite(s.value))
    return false;
  if (s.labels === undefined) return true;
  return (
    typeof s.labels === 'object' &&
    s.labels !== null &&
    Object.values(s.labels).every((v) => typeof v === 'string')
  );
}

/**
 * Reads one IPC message: an agent message carrying `token`, or `undefined` for anything else (the
 * child's own `process.send` traffic, which the supervisor leaves alone). Malformed samples are
 * dropped.
 * @example const msg = parseAgentMessage(raw, token); if (msg?.type === 'metrics') publish(msg);
 */
export function parseAgentMessage(raw: unknown, token: string): AgentMessage | undefined {
  const msg = raw as {
    vitals?: unknown;
    type?: unknown;
    pid?: unknown;
    node?: unknown;
    samples?: unknown;
  } | null;
  if (typeof msg !== 'object' || msg === null || msg.vitals !== token) return undefined;
  const pid = typeof msg.pid === 'number' ? msg.pid : 0;
  if (msg.type === 'hello')
    return { type: 'hello', pid, node: typeof msg.node === 'string' ? msg.node : '' };
  if (msg.type === 'metrics' && Array.isArray(msg.samples)) {
    return { type: 'metrics', pid, samples: msg.samples.slice(0, MAX_SAMPLES).filter(isSample) };
  }
  return undefined;
}

/**
 * The batch the supervisor publishes for an agent report: the well-known metric names, each
 * sample labelled `{ service, pid }` (beside its own labels such as `kind`).
 * @example stream.publish(agentBatch(msg.samples, { service: 'api', pid: '4242' }, clock.now()))
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

/** Options of {@link AgentLink}. */
export interface AgentLinkOptions {
  readonly token: string;
  readonly now: () => number;
  readonly publish?: (batch: MetricBatch) => void;
  readonly labels: (pid: number) => Labels;
  readonly onHello: (pid: number, node: string) => void;
}

/**
 * The supervisor's end of the agent's IPC channel for one child at a time: agent reports become
 * batches on the stream (labelled `{service, pid}`), the hello becomes `onHello`, and the time of
 * the last report tells whether the child still reports. Other messages are left alone.
 * @example link.attach(child); ... link.reportedWithin(3000)
 */
export class AgentLink {
  private child: { pid?: number } | undefined;
  private lastAt: number | undefined;

  constructor(private readonly options: AgentLinkOptions) {}

  /** Listens to a newly started child (and forgets the previous one). */
  attach(child: { pid?: number; on(event: 'message', fn: (raw: unknown) => void): unknown }): void {
    this.child = child;
    this.lastAt = undefined;
    child.on('message', (raw) => this.receive(child, raw));
  }

  /** True when the current child's agent reported within `ms`. */
  reportedWithin(ms: number): boolean {
    return this.lastAt !== undefined && this.options.now() - this.lastAt <= ms;
  }

  private receive(child: { pid?: number }, raw: unknown): void {
    const msg = parseAgentMessage(raw, this.options.token);
    if (!msg || child !== this.child) return;
    this.lastAt = this.options.now();
    if (msg.type === 'hello') return this.options.onHello(msg.pid, msg.node);
    const labels = this.options.labels(child.pid ?? msg.pid);
    this.options.publish?.(agentBatch(msg.samples, labels, this.options.now()));
  }
}
