import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { ManualClock, createHost } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { runDiagnostics } from '../diagnostics.runner';
import { DIAGNOSTICS_DEFAULTS } from '../diagnostics.options';
import type { ProcessSample } from '../process.sampler';
import { runCheck, testHost } from '../testing/check-harness.test-util';
import { handlesCheck } from './handles.check';

const series = (...handles: number[]): ProcessSample[] =>
  handles.map((h, i) => ({
    at: i * 10_000,
    rssBytes: 1,
    cpuSeconds: 0,
    threads: 7,
    fds: 20,
    handles: h,
  }));

describe('handlesCheck', () => {
  let host: HostHandle;
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    await host.stop();
  });

  it('asks for --watch when there is one sample', async () => {
    host = testHost();
    const [f] = await runCheck(handlesCheck, host, { overrides: { activeResources: () => 42 } });
    expect(f).toMatchObject({ severity: 'info', data: { handles: 42 } });
    expect(f.message).toContain('--watch');
  });

  it.each([
    [[20, 21, 22], 'ok'],
    [[20, 30, 40], 'warning'],
    [[100, 150, 210], 'critical'],
  ])('grades handles %j over the window as %s', async (values, severity) => {
    host = testHost();
    const [f] = await runCheck(handlesCheck, host, { overrides: { samples: series(...values) } });
    expect(f.severity).toBe(severity);
  });

  it('sees real servers opened during a --watch window (virtual clock)', async () => {
    const clock = new ManualClock(1_000_000);
    host = createHost({ clock });
    const running = runDiagnostics(host, {
      watchMs: 2000,
      options: { ...DIAGNOSTICS_DEFAULTS, eventLoopSampleMs: 1 },
    });
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 20; i++) {
      const s = createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      servers.push(s);
    }
    clock.advance(1000);
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    clock.advance(1000);
    const report = await running;
    const f = report.findings.find((x) => x.check === 'handles')!;
    expect(report.samples).toBe(3);
    expect(f.data?.growth).toBeGreaterThanOrEqual(15);
    expect(f.severity).toBe('warning');
  });
});
