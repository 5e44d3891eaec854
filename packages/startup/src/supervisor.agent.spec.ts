import { METRICS, MetricStream } from '@vitals/core';
import type { MetricBatch } from '@vitals/core';
import { Supervisor } from './supervisor';
import { EventLog, OutputLog, fixture, killAll } from './supervisor.test-util';

const env = { PATH: process.env.PATH };

describe('Supervisor and its agent', () => {
  let supervisor: Supervisor | undefined;

  afterEach(async () => {
    await killAll(supervisor);
    supervisor = undefined;
  });

  it('publishes the agent heap metrics of a Node child on the stream, labelled with service and pid', async () => {
    const stream = new MetricStream();
    const batches: MetricBatch[] = [];
    stream.batches$.subscribe((b) => batches.push(b));
    supervisor = new Supervisor(
      {
        command: fixture('idle'),
        env,
        name: 'idle',
        agentIntervalMs: 100,
        stdout: new OutputLog(),
      },
      { stream },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    const hello = await log.next('agent');
    expect(hello.node).toBe(process.version);
    const heap = await new Promise<number>((resolve) => {
      const sub = stream.series$(METRICS.heapUsedBytes, { service: 'idle' }).subscribe((p) => {
        sub.unsubscribe();
        expect(p.labels).toEqual({ service: 'idle', pid: String(supervisor!.pid) });
        resolve(p.value);
      });
    });
    expect(heap).toBeGreaterThan(1024 * 1024);
    const names = new Set(batches.flatMap((b) => b.samples.map((s) => s.name)));
    expect([...names]).toEqual(
      expect.arrayContaining([
        METRICS.heapTotalBytes,
        METRICS.heapLimitBytes,
        METRICS.eventLoopUtilization,
      ]),
    );
  });

  it('leaves a child that uses process.send working, and the agent does not keep it alive', async () => {
    const out = new OutputLog();
    supervisor = new Supervisor({ command: fixture('own-ipc'), env, stdout: out });
    const log = new EventLog(supervisor);
    expect(await supervisor.run()).toBe(0);
    expect(out.text).toBe('send ok; agent-env clean\n');
    expect(log.of('agent')).toHaveLength(1);
  });

  it('lets a Node child end by itself while the agent is loaded', async () => {
    const out = new OutputLog();
    supervisor = new Supervisor({
      command: fixture('quick-exit'),
      env,
      stdout: out,
      agentIntervalMs: 100,
    });
    expect(await supervisor.run()).toBe(0);
    expect(out.text).toBe('done\n');
  });

  it('runs a child that is not Node without the agent, NODE_OPTIONS or IPC', async () => {
    const out = new OutputLog();
    supervisor = new Supervisor({
      command: 'sh',
      args: ['-c', 'echo "[$NODE_OPTIONS|$VITALS_AGENT_TOKEN|$NODE_CHANNEL_FD]"'],
      env: { ...env, NODE_OPTIONS: '--no-warnings' },
      nodeOptions: ['--max-old-space-size=100'],
      stdout: out,
    });
    const log = new EventLog(supervisor);
    expect(await supervisor.run()).toBe(0);
    expect(out.text).toBe('[--no-warnings||]\n');
    expect(log.of('spawn')[0].agent).toBe(false);
  });
});
