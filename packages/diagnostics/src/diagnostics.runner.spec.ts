import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  COLLECTOR,
  HEALTH_CHECK,
  METRICS,
  ManualClock,
  createHost,
  isVitalsError,
} from '@vitals/core';
import type { Collector, HealthCheck, HostHandle, Plugin } from '@vitals/core';
import { DIAGNOSTICS_DEFAULTS } from './diagnostics.options';
import { diagnosticsPlugin } from './diagnostics.plugin';
import { runDiagnostics } from './diagnostics.runner';
import { createFakeProc } from './testing/fake-proc.test-util';
import type { FakeProc } from './testing/fake-proc.test-util';

const FAST = { ...DIAGNOSTICS_DEFAULTS, eventLoopSampleMs: 1, checkTimeoutMs: 200 };

/** A plugin that registers the given checks and collectors, as @vitals/process or monitor would. */
const extras = (checks: HealthCheck[], collectors: Collector[] = []): Plugin => ({
  name: 'extras',
  register(container) {
    checks.forEach((c) => container.register(HEALTH_CHECK, { useValue: c }));
    collectors.forEach((c) => container.register(COLLECTOR, { useValue: c }));
  },
});

describe('runDiagnostics', () => {
  let host: HostHandle;
  let proc: FakeProc | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    proc?.remove();
    await host.stop();
  });

  it('runs the built-in checks and every registered check once, each isolated', async () => {
    const duplicates: HealthCheck = {
      name: 'duplicates',
      area: 'process',
      run: () => [{ check: 'duplicates', severity: 'warning', message: '2 copies of app.js' }],
    };
    const broken: HealthCheck = {
      name: 'broken',
      run: () => {
        throw new Error('boom');
      },
    };
    const malformed = {
      name: 'malformed',
      area: 'disk',
      run: () => 'nope',
    } as unknown as HealthCheck;
    const slow: HealthCheck = { name: 'slow', run: () => new Promise(() => undefined) };
    host = createHost({
      plugins: [diagnosticsPlugin(), extras([duplicates, broken, malformed, slow])],
    });
    const report = await runDiagnostics(host, { options: FAST, env: { NODE_ENV: 'production' } });
    const byCheck = (name: string) => report.findings.filter((f) => f.check === name);
    expect(byCheck('duplicates')).toEqual([
      { check: 'duplicates', area: 'process', severity: 'warning', message: '2 copies of app.js' },
    ]);
    expect(byCheck('broken')).toMatchObject([
      { severity: 'warning', area: 'other', message: 'check broken failed: boom' },
    ]);
    expect(byCheck('malformed')[0].message).toBe(
      'check malformed failed: it returned no list of findings',
    );
    expect(byCheck('slow')[0].message).toBe(
      'check slow failed: check slow did not finish within 200 ms',
    );
    // The plugin's registered copies of the built-ins are not run a second time.
    expect(byCheck('memory')).toHaveLength(1);
    expect(byCheck('node-env')[0].severity).toBe('ok');
    expect(report.target).toMatchObject({ pid: process.pid, self: true });
  });

  it("reads collectors' metrics and reports a failed collector without failing", async () => {
    const collectors: Collector[] = [
      {
        name: 'fake-runtime',
        descriptors: [],
        collect: () => [{ name: METRICS.eventLoopLagP99, value: 0.5 }],
      },
      {
        name: 'flaky',
        descriptors: [],
        collect: () => {
          throw new Error('EIO');
        },
      },
    ];
    host = createHost({ plugins: [extras([], collectors)] });
    const report = await runDiagnostics(host, { options: FAST });
    expect(report.findings.find((f) => f.check === 'event-loop')).toMatchObject({
      severity: 'critical',
      data: { p99Ms: 500, source: 'snapshot' },
    });
    expect(report.collectorFailures).toEqual([
      expect.objectContaining({ collector: 'flaky', timedOut: false }),
    ]);
    expect(report.findings.find((f) => f.check === 'collectors')?.message).toContain(
      'collector flaky failed',
    );
    expect(report.severity).toBe('critical');
  });

  it('diagnoses another pid from /proc only: no runtime or registered checks', async () => {
    proc = createFakeProc({ pid: 4242, threads: 70 });
    host = createHost({ plugins: [extras([{ name: 'duplicates', run: () => [] }])] });
    const report = await runDiagnostics(host, {
      pid: 4242,
      options: { ...FAST, procRoot: proc.procRoot, cgroupRoot: proc.cgroupRoot, pidSampleMs: 0 },
    });
    const checks = new Set(report.findings.map((f) => f.check));
    expect([...checks].sort()).toEqual([
      'cpu',
      'cpu-quota',
      'disk',
      'environment',
      'fds',
      'memory',
      'process',
      'swap',
      'threads',
    ]);
    expect(report.findings.find((f) => f.check === 'threads')?.severity).toBe('warning');
    // No /proc/4242/environ in the fake tree: said once, not silently skipped.
    expect(report.findings.find((f) => f.check === 'environment')).toMatchObject({
      severity: 'info',
      message: expect.stringMatching(/4242\/environ: environment not checked$/),
    });
    expect(report.target).toEqual({ pid: 4242, self: false, command: 'node server.js' });
  });

  it("checks another process's environment read from /proc/<pid>/environ", async () => {
    host = createHost({ config: { requiredEnv: ['DB_URL'] } });
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'prod',
        NODE_OPTIONS: '--max-old-space-size=99999999',
      },
    });
    await new Promise((r) => child!.once('spawn', r));
    const report = await runDiagnostics(host, {
      pid: child.pid,
      options: { ...FAST, pidSampleMs: 0 },
    });
    const severity = (check: string) => report.findings.find((f) => f.check === check)?.severity;
    expect(severity('node-env')).toBe('warning');
    expect(severity('node-options')).toBe('critical');
    expect(severity('required-env')).toBe('critical');
    expect(report.findings.some((f) => f.check === 'heap')).toBe(false);
  });

  it('reports the window it covered when a --watch is interrupted (Ctrl-C)', async () => {
    const clock = new ManualClock(1_000_000);
    host = createHost({ clock });
    const stop = new AbortController();
    const running = runDiagnostics(host, { watchMs: 30_000, signal: stop.signal, options: FAST });
    for (let i = 0; i < 2; i++) {
      while (clock.pending === 0) await new Promise((r) => setImmediate(r));
      clock.advance(1000);
    }
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    stop.abort();
    const report = await running;
    // Readings at 0, 1 and 2 s, and one more at the interruption (still 2 s on this clock).
    expect(report).toMatchObject({ samples: 4, windowMs: 2000 });
    expect(report.findings.find((f) => f.check === 'handles')?.message).toMatch(/ in 2 s /);
  });

  it('refuses a pid that does not exist or cannot be read, with one line', async () => {
    proc = createFakeProc();
    host = createHost();
    const options = { ...FAST, procRoot: proc.procRoot };
    const missing = await runDiagnostics(host, { pid: 999_999, options }).catch((e: unknown) => e);
    expect(isVitalsError(missing, 'ERR_DIAGNOSE_PID')).toBe(true);
    expect((missing as Error).message).toBe(
      'no process with pid 999999: check the pid with `ps -p 999999`',
    );
    mkdirSync(join(proc.procRoot, '777'));
    const hidden = await runDiagnostics(host, { pid: 777, options }).catch((e: unknown) => e);
    expect((hidden as Error).message).toMatch(
      /^cannot read .*\/777\/stat of pid 777: run as the process's user or as root$/,
    );
  });
});
