import { METRICS } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { runCheck, snapshotOf, testHost } from '../testing/check-harness.test-util';
import { createFakeProc } from '../testing/fake-proc.test-util';
import type { FakeProc } from '../testing/fake-proc.test-util';
import { loadCheck } from './load.check';

describe('loadCheck', () => {
  let host: HostHandle;
  let proc: FakeProc;
  beforeEach(() => {
    host = testHost();
    proc = createFakeProc();
  });
  afterEach(async () => {
    proc.remove();
    await host.stop();
  });

  it.each([
    [1.2, 'ok'],
    [4, 'warning'],
    [8, 'critical'],
  ])(
    'grades a load of %d on 4 cores as %s (0.9 per core, critical 1.8)',
    async (load, severity) => {
      proc.update({ loadavg: [load, 1, 1] });
      const findings = await runCheck(loadCheck, host, { proc, overrides: { cores: 4 } });
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        check: 'cpu',
        area: 'cpu',
        severity,
        data: { load1: load, cores: 4 },
      });
    },
  );

  it("adds monitor's CPU used ratio from a started host's last tick", async () => {
    const snapshot = snapshotOf([{ name: METRICS.cpuUsedRatio, value: 0.97 }]);
    const findings = await runCheck(loadCheck, host, { proc, snapshot, overrides: { cores: 4 } });
    expect(findings.map((f) => f.severity)).toEqual(['ok', 'critical']);
  });

  it("leaves out a one-shot collection's CPU figure (an average since boot)", async () => {
    const snapshot = snapshotOf([{ name: METRICS.cpuUsedRatio, value: 0.97 }]);
    const findings = await runCheck(loadCheck, host, {
      proc,
      snapshot,
      overrides: { cores: 4, collectorsRunning: false },
    });
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/^machine: load /)]);
  });

  it.each([
    [0.5, 'ok'],
    [0.91, 'warning'],
    [0.99, 'critical'],
  ])("grades CPU %d used over the runner's window as %s", async (used, severity) => {
    const snapshot = snapshotOf([{ name: METRICS.cpuUsedRatio, value: 0.1 }]);
    const [, f] = await runCheck(loadCheck, host, {
      proc,
      snapshot,
      overrides: { cores: 4, cpuUsedRatio: used, collectorsRunning: false },
    });
    expect(f).toMatchObject({ severity, data: { cpuUsedRatio: used } });
  });
});
