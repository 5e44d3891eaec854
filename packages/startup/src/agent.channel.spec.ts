import { existsSync } from 'node:fs';
import { AGENT_PATH, agentBatch, parseAgentMessage } from './agent.channel';

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

  it('drops malformed samples and labels the rest with service and pid', () => {
    const msg = parseAgentMessage(
      {
        vitals: 't',
        type: 'metrics',
        pid: 9,
        samples: [
          { name: 'a', value: 1, labels: { kind: 'major' } },
          { name: 'b', value: 'x' },
          { value: 2 },
          null,
        ],
      },
      't',
    );
    expect(msg?.type === 'metrics' && msg.samples).toEqual([
      { name: 'a', value: 1, labels: { kind: 'major' } },
    ]);
    const batch = agentBatch(
      msg?.type === 'metrics' ? msg.samples : [],
      { service: 's', pid: '9' },
      5,
    );
    expect(batch).toEqual({
      source: 'startup.agent',
      at: 5,
      samples: [{ name: 'a', value: 1, labels: { kind: 'major', service: 's', pid: '9' } }],
    });
  });
});
