import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { AGENT_PATH } from './agent.channel';

/**
 * The agent's send queue, against a real channel that stops draining: the child is spawned with
 * a socket pair at fd 3 named as its IPC channel (`NODE_CHANNEL_FD`, as `child_process.fork` does),
 * which this test does not read until the agent's queue has overflowed. A 4 MiB message of the
 * child's own fills the kernel's buffer first, so the agent's messages wait behind it.
 */
describe('vitals-agent send queue', () => {
  const CHILD = `
    const { PerformanceObserver, constants } = require('node:perf_hooks');
    let majors = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
    }).observe({ entryTypes: ['gc'] });
    process.send({ filler: 'x'.repeat(4 << 20) });
    let n = 0;
    const forcing = setInterval(() => {
      global.gc();
      if (++n < 10) return;
      clearInterval(forcing);
      // Past 64 queued reports at 100 ms each: the queue has overflowed for ~2.5 s.
      setTimeout(() => process.stdout.write('done ' + majors + '\\n'), 8000);
    }, 100);
    setInterval(() => undefined, 1000);
  `;

  it('drops the oldest periodic reports when full, never a GC point or a report naming its series', async () => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--expose-gc', '--require', AGENT_PATH, '-e', CHILD], {
      stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
      env: {
        PATH: process.env.PATH,
        NODE_CHANNEL_FD: '3',
        NODE_CHANNEL_SERIALIZATION_MODE: 'json',
        VITALS_AGENT_TOKEN: 'tok',
        VITALS_AGENT_INTERVAL_MS: '100',
        VITALS_AGENT_MEASURE_AFTER_MS: '0',
      },
    });
    const channel = child.stdio[3] as Readable;
    channel.pause();
    try {
      let out = '';
      const majors = await new Promise<number>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /done (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`child exited (${code}) before done`)));
      });
      const since = Date.now();
      // Now drain: every message that was written or kept in the agent's queue arrives.
      let text = '';
      channel.on('data', (chunk: Buffer) => (text += chunk.toString()));
      channel.resume();
      // The child's own message, the agent's in flight, its queue (64) and what follows.
      const parsed = (): Array<Record<string, unknown>> =>
        text
          .split('\n')
          .slice(0, -1)
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      while (parsed().filter((m) => m.type === 'metrics').length < 70 && Date.now() - since < 5000)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const messages = parsed();
      const agent = messages.filter((m) => m.vitals === 'tok');
      const metrics = agent.filter((m) => m.type === 'metrics');
      // One report every 100 ms since the child started (~100): the oldest were dropped.
      const made = Math.floor((Date.now() - started) / 100);
      expect(metrics.length).toBeLessThan(made - 15);
      // Every major GC the child saw before "done" reached the channel, in order, though they
      // came first (writing 4 MiB may run more after it).
      const gcs = agent.filter((m) => m.type === 'gc');
      expect(majors).toBeGreaterThanOrEqual(10);
      expect(gcs.length).toBeGreaterThanOrEqual(majors);
      const at = gcs.map((m) => m.at as number);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      // The first report names its series, and so does every report of a new shape.
      expect(metrics[0].series).toBeDefined();
      const shapes = new Set(metrics.map((m) => m.shape));
      for (const shape of shapes)
        expect(metrics.find((m) => m.shape === shape)?.series).toBeDefined();
      expect(messages[0]).toEqual({
        vitals: 'tok',
        type: 'hello',
        pid: child.pid,
        node: process.version,
      });
    } finally {
      child.kill('SIGKILL');
    }
  }, 30000);
});
