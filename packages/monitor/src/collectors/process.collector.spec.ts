import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { METRICS, readProcStatus } from '@vitals/core';
import type { Sample } from '@vitals/core';
import { ProcessCollector } from './process.collector';

const value = (samples: readonly Sample[], name: string): number | undefined =>
  samples.find((s) => s.name === name)?.value;
const collect = async (c: ProcessCollector): Promise<Sample[]> => await c.collect();

describe('ProcessCollector', () => {
  let dir: string;
  const fds: number[] = [];
  const workers: Worker[] = [];
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-proc-'));
  });

  afterEach(async () => {
    for (const fd of fds.splice(0)) closeSync(fd);
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
    child?.kill('SIGKILL');
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports RSS that agrees with /proc/self/status', async () => {
    const samples = await collect(new ProcessCollector());
    const vmRss = Number(readProcStatus('self')!.VmRSS.split(' ')[0]) * 1024;
    // RSS moves a little between the two reads (the test itself allocates).
    expect(Math.abs(value(samples, METRICS.processRssBytes)! - vmRss)).toBeLessThan(
      8 * 1024 * 1024,
    );
    expect(value(samples, METRICS.processVirtualBytes)).toBeGreaterThan(vmRss);
  });

  it('counts 50 more open file descriptors after opening 50 files, as /proc/self/fd does', async () => {
    const c = new ProcessCollector();
    const before = value(await collect(c), METRICS.processOpenFds)!;
    for (let i = 0; i < 50; i++) fds.push(openSync(join(dir, `f${i}`), 'w'));
    const samples = await collect(c);
    const listed = readdirSync('/proc/self/fd').length - 1; // minus readdir's own descriptor
    expect(value(samples, METRICS.processOpenFds)).toBe(listed);
    expect(value(samples, METRICS.processOpenFds)).toBe(before + 50);
    expect(value(samples, METRICS.processMaxFds)).toBeGreaterThan(0);
  });

  it('counts the threads of started worker threads', async () => {
    const c = new ProcessCollector();
    const before = value(await collect(c), METRICS.processThreads)!;
    for (let i = 0; i < 3; i++) {
      const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
      workers.push(w);
      await new Promise((resolve) => w.once('online', resolve));
    }
    const after = value(await collect(c), METRICS.processThreads)!;
    expect(after).toBe(Number(readProcStatus('self')!.Threads));
    expect(after).toBeGreaterThanOrEqual(before + 3);
  });

  it('reports CPU seconds, start time and uptime', async () => {
    const c = new ProcessCollector();
    await collect(c);
    const samples = await collect(c);
    expect(value(samples, METRICS.processCpuSeconds)).toBeGreaterThan(0);
    expect(value(samples, METRICS.processCpuRatio)).toBeGreaterThanOrEqual(0);
    const start = value(samples, METRICS.processStartTimeSeconds)!;
    // Exact for this process (not /proc's whole-second boot time).
    expect(Math.abs(start - (Date.now() / 1000 - process.uptime()))).toBeLessThan(0.05);
    // prom-client's process_heap_bytes: VmData of /proc/self/status.
    const vmData = /^VmData:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
    expect(value(samples, METRICS.processHeapBytes)).toBeGreaterThan(0);
    expect(
      Math.abs(value(samples, METRICS.processHeapBytes)! - Number(vmData) * 1024),
    ).toBeLessThan(64 * 1024 * 1024);
    expect(samples.some((s) => s.name === 'vitals_process_uptime_seconds')).toBe(false);
  });

  it('watches another pid with a pid label, and reports a pid that is gone', async () => {
    // Wait until it runs its script, so its memory has settled.
    child = spawn(process.execPath, ['-e', 'console.log("ready"); setInterval(() => {}, 1000)'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise((resolve) => child!.stdout!.once('data', resolve));
    const pid = child.pid!;
    const c = new ProcessCollector({ pid });
    const samples = await collect(c);
    const rss = samples.find((s) => s.name === METRICS.processRssBytes)!;
    expect(rss.labels).toEqual({ pid: String(pid) });
    const vmRss = Number(readProcStatus(pid)!.VmRSS.split(' ')[0]) * 1024;
    expect(Math.abs(rss.value - vmRss)).toBeLessThan(2 * 1024 * 1024);
    expect(rss.value).toBeGreaterThan(10 * 1024 * 1024);
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = undefined;
    expect(() => c.collect()).toThrow(
      expect.objectContaining({ code: 'ERR_MONITOR_PROCESS_GONE' }),
    );
  });
});
