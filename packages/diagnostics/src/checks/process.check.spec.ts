import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { HostHandle } from '@vitals/core';
import { DIAGNOSTICS_DEFAULTS } from '../diagnostics.options';
import { runDiagnostics } from '../diagnostics.runner';
import type { ProcessSample } from '../process.sampler';
import { runCheck, testHost } from '../testing/check-harness.test-util';
import { createFakeProc } from '../testing/fake-proc.test-util';
import type { FakeProc } from '../testing/fake-proc.test-util';
import { processCheck } from './process.check';

const MiB = 1024 * 1024;
/** Two samples `ms` apart (default 10 s). */
const samples = (rss0: number, rss1: number, cpu0 = 0, cpu1 = 0, ms = 10_000): ProcessSample[] => [
  { at: 0, rssBytes: rss0, cpuSeconds: cpu0, threads: 11, fds: 30 },
  { at: ms, rssBytes: rss1, cpuSeconds: cpu1, threads: 11, fds: 30 },
];

describe('processCheck', () => {
  let host: HostHandle;
  let proc: FakeProc;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    host = testHost();
    proc = createFakeProc({ memTotalKb: 8 * 1024 * 1024 });
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    proc.remove();
    await host.stop();
  });

  it.each([
    ['S', 'ok'],
    ['D', 'warning'],
    ['T', 'warning'],
    ['Z', 'critical'],
  ])('grades state %s as %s and shows the command line', async (state, severity) => {
    proc.update({ state });
    const [f] = await runCheck(processCheck, host, { proc });
    expect(f).toMatchObject({
      check: 'process',
      severity,
      data: { pid: 4242, state, cmdline: 'node server.js' },
    });
  });

  it.each([
    [100, 100, 'ok'],
    [100, 100 + 30 * 1, 'ok'], // +1 MiB/s: 6.4 GiB away, days
    [100, 100 + 30 * 3, 'warning'], // +3 MiB/s: ~36 min to 80 % of 8 GiB
    [100, 100 + 30 * 20, 'critical'], // +20 MiB/s: ~5 min
    [7000, 7000, 'warning'], // 85 % of RAM already
    [7500, 7500, 'critical'], // 92 %
  ])('grades RSS %d → %d MiB in 30 s as %s', async (a, b, severity) => {
    const [, rss] = await runCheck(processCheck, host, {
      proc,
      overrides: { samples: samples(a * MiB, b * MiB, 0, 0, 30_000) },
    });
    expect(rss.severity).toBe(severity);
  });

  it('keeps growth seen over a short window at warning and asks to confirm it', async () => {
    const [, rss] = await runCheck(processCheck, host, {
      proc,
      overrides: { samples: samples(100 * MiB, 140 * MiB, 0, 0, 1000) }, // +40 MiB/s over 1 s
    });
    expect(rss).toMatchObject({ severity: 'warning', data: { windowMs: 1000 } });
    expect(rss.recommendation).toContain('vitals diagnose --pid 4242 --watch 60');
  });

  it.each([
    [2, 'ok'],
    [9.2, 'warning'],
    [9.8, 'critical'],
  ])('grades %d CPU seconds in 10 s as %s', async (cpu, severity) => {
    const findings = await runCheck(processCheck, host, {
      proc,
      overrides: { samples: samples(MiB, MiB, 0, cpu) },
    });
    expect(findings[2]).toMatchObject({ severity, data: { cpuRatio: cpu / 10 } });
  });

  it('sees a real child process grow (--pid)', async () => {
    child = spawn(
      process.execPath,
      ['-e', 'const a = []; setInterval(() => a.push(Buffer.alloc(5e6, 1)), 50);'],
      { stdio: 'ignore' },
    );
    await new Promise((r) => child!.once('spawn', r));
    const report = await runDiagnostics(host, {
      pid: child.pid,
      options: { ...DIAGNOSTICS_DEFAULTS, pidSampleMs: 1500, sampleIntervalMs: 250 },
    });
    expect(report.target).toMatchObject({ pid: child.pid, self: false });
    expect(report.target.command).toContain('Buffer.alloc');
    const rss = report.findings.find((f) => f.check === 'process' && f.message.includes(': RSS'))!;
    expect(rss.data?.growthBytesPerSecond).toBeGreaterThan(10 * MiB);
    expect(['warning', 'critical']).toContain(rss.severity);
    expect(report.findings.some((f) => f.check === 'heap')).toBe(false);
  });
});
