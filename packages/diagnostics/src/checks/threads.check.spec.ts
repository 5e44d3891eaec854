import { Worker } from 'node:worker_threads';
import { readProcStat } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { runCheck, testHost } from '../testing/check-harness.test-util';
import { createFakeProc } from '../testing/fake-proc.test-util';
import type { FakeProc } from '../testing/fake-proc.test-util';
import { threadsCheck } from './threads.check';

describe('threadsCheck', () => {
  let host: HostHandle;
  let proc: FakeProc | undefined;
  let workers: Worker[] = [];
  beforeEach(() => (host = testHost()));
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
    workers = [];
    proc?.remove();
    await host.stop();
  });

  it.each([
    [11, 'ok'],
    [60, 'warning'],
    [120, 'critical'],
  ])('grades %d threads as %s (threshold 50, critical 100)', async (threads, severity) => {
    proc = createFakeProc({ threads });
    const [f] = await runCheck(threadsCheck, host, { proc });
    expect(f).toMatchObject({ check: 'threads', severity, data: { threads } });
  });

  it('counts worker threads this process really spawns', async () => {
    const before = readProcStat('self')!.numThreads;
    await host.stop();
    host = testHost({ thresholds: { threads: before + 3 } });
    for (let i = 0; i < 4; i++) {
      const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await new Promise((resolve) => w.once('online', resolve));
      workers.push(w);
    }
    const [f] = await runCheck(threadsCheck, host);
    expect(f.data?.threads).toBeGreaterThanOrEqual(before + 4);
    expect(f.severity).not.toBe('ok');
  });
});
