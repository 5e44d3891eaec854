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
  if (typeof s?.name !== 'string' || typeof s.value !== 'number' || !Number.isFinite(s.value)) return false;
  if (s.labels === undefined) return true;
  return typeof s.labels === 'object' && s.labels !== null && Object.values(s.labels).every((v) => typeof v === 'string');
}

/**
 * Reads one IPC message: an agent message carrying `token`, or `undefined` for anything else (the
 * child's own `process.send` traffic, which the supervisor leaves alone). Malformed samples are
 * dropped.
 * @example const msg = parseAgentMessage(raw, token); if (msg?.type === 'metrics') publish(msg);
 */
export function parseAgentMessage(raw: unknown, token: string): AgentMessage | undefined {
  const msg = raw as { vitals?: unknown; type?: unknown; pid?: unknown; node?: unknown; samples?: unknown } | null;
  if (typeof msg !== 'object' || msg === null || msg.vitals !== token) return undefined;
  const pid = typeof msg.pid === 'number' ? msg.pid : 0;
  if (msg.type === 'hello') return { type: 'hello', pid, node: typeof msg.node === 'string' ? msg.node : '' };
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
    samples: samples.map((s) => ({ name: s.name, value: s.value, labels: { ...s.labels, ...labels } })),
  };
}
