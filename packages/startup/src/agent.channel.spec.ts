import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { MetricBatch } from '@vitals/core';
import { AGENT_PATH, AGENT_SOURCE, AgentLink, parseAgentMessage } from './agent.channel';

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
    const report = (fields: object) =>
      child.emit('message', { vitals: 't', type: 'metrics', ...fields });
    report({
      shape: 1,
      series: [['a', { kind: 'major' }], ['b'], [3], ['c', { le: 1 }]],
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
          { name: 'a', value: 1, labels: { kind: 'major', service: 's' } },
          { name: 'b', value: 2, labels: { service: 's' } },
        ],
      },
      {
        source: AGENT_SOURCE,
        at: 5,
        samples: [{ name: 'a', value: 10, labels: { kind: 'major', service: 's' } }],
      },
    ]);
    // A new child starts with no shape.
    const next = new EventEmitter() as EventEmitter & { pid: number };
    link.attach(next);
    next.emit('message', { vitals: 't', type: 'metrics', shape: 1, values: [1, 2, 3, 4] });
    expect(batches).toHaveLength(2);
  });
});
