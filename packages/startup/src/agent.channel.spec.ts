import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import type { MetricBatch } from '@vitals/core';
import {
  AGENT_METRICS,
  AGENT_PATH,
  AGENT_SOURCE,
  AgentLink,
  parseAgentMessage,
} from './agent.channel';

/** An AgentLink (token 't', clock at 5, service 's') attached to a fake child (pid 9). */
function linked() {
  const batches: MetricBatch[] = [];
  const link = new AgentLink({
    token: 't',
    now: () => 5,
    publish: (b) => batches.push(b),
    labels: () => ({ service: 's' }),
    onHello: () => undefined,
  });
  const child = new EventEmitter() as EventEmitter & { pid: number };
  child.pid = 9;
  link.attach(child);
  return { batches, link, child };
}

describe('agent channel', () => {
  it('ships the agent at the path it resolves to', () => {
    expect(existsSync(AGENT_PATH)).toBe(true);
  });

  it("ignores the child's own messages and other tokens", () => {
    expect(parseAgentMessage({ hello: 'app' }, 't')).toBeUndefined();
    expect(parseAgentMessage({ vitals: 'other', type: 'hello', pid: 1 }, 't')).toBeUndefined();
    expect(parseAgentMessage('text', 't')).toBeUndefined();
    expect(parseAgentMessage({ vitals: 't', type: 'hello', pid: 1, node: 'v20' }, 't')).toEqual({
      type: 'hello',
      pid: 1,
      node: 'v20',
    });
  });

  it('names report values by the shape sent with the first report and drops malformed values', () => {
    const { batches, link, child } = linked();
    const report = (fields: object) =>
      child.emit('message', { vitals: 't', type: 'metrics', ...fields });
    const gc = 'nodejs_gc_duration_seconds_count';
    const heap = 'nodejs_heap_size_used_bytes';
    report({
      shape: 1,
      series: [
        [gc, { kind: 'major' }],
        [heap],
        [3],
        ['vitals_eventloop_delay_seconds_bucket', { le: 1 }],
      ],
      values: [1, 2, 3, 4],
    });
    report({ shape: 1, values: [10, 'x', 30, 40] });
    // A shape never sent, and values that do not fit the shape: nothing can be named.
    report({ shape: 2, values: [1, 2, 3, 4] });
    report({ shape: 1, values: [1, 2] });
    expect(batches).toEqual([
      {
        source: AGENT_SOURCE,
        at: 5,
        samples: [
          { name: gc, value: 1, labels: { kind: 'major', service: 's' } },
          { name: heap, value: 2, labels: { service: 's' } },
        ],
      },
      {
        source: AGENT_SOURCE,
        at: 5,
        samples: [{ name: gc, value: 10, labels: { kind: 'major', service: 's' } }],
      },
    ]);
    // A new child starts with no shape.
    const next = new EventEmitter() as EventEmitter & { pid: number };
    link.attach(next);
    next.emit('message', { vitals: 't', type: 'metrics', shape: 1, values: [1, 2, 3, 4] });
    expect(batches).toHaveLength(2);
  });

  it("takes only the agent's own metric names and labels from a child, which can read the token", () => {
    const { batches, child } = linked();
    child.emit('message', {
      vitals: 't',
      type: 'metrics',
      shape: 1,
      series: [
        ['vitals_supervisor_restarts_total'],
        ['up'],
        ['process_resident_memory_bytes'],
        ['nodejs_heap_size_used_bytes', { pod: 'x' }],
        ['nodejs_heap_size_used_bytes'],
      ],
      values: [1e6, 0, 1, 2, 3],
    });
    expect(batches.map((b) => b.samples)).toEqual([
      [{ name: 'nodejs_heap_size_used_bytes', value: 3, labels: { service: 's' } }],
    ]);
  });

  it('allows every name the agent file reports, and no other', () => {
    const names = new Set(
      readFileSync(AGENT_PATH, 'utf8')
        .match(/'(nodejs|vitals)_[a-z0-9_]+'/g)
        ?.map((q) => q.slice(1, -1)),
    );
    expect([...names].sort()).toEqual([...AGENT_METRICS].sort());
  });
});
