import { METRICS } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { runCheck, snapshotOf, testHost } from '../testing/check-harness.test-util';
import { createFakeProc } from '../testing/fake-proc.test-util';
import type { FakeProc } from '../testing/fake-proc.test-util';
import { memoryCheck } from './memory.check';
import { swapCheck } from './swap.check';

const GiB = 1024 * 1024;

describe('memoryCheck', () => {
  let host: HostHandle;
  let proc: FakeProc;
  beforeEach(() => {
    host = testHost();
    proc = createFakeProc({ memTotalKb: 8 * GiB });
  });
  afterEach(async () => {
    proc.remove();
    await host.stop();
  });

  it.each([
    [6 * GiB, 'ok'],
    [Math.round(1.4 * GiB), 'warning'],
    [Math.round(0.4 * GiB), 'critical'],
  ])(
    'grades %d kB available of 8 GiB as %s (warning 80 %%, critical 90 %%)',
    async (available, severity) => {
      proc.update({ memAvailableKb: available });
      const [f] = await runCheck(memoryCheck, host, { proc });
      expect(f).toMatchObject({ check: 'memory', area: 'memory', severity });
      expect(f.data).toMatchObject({
        scope: 'machine',
        source: 'direct',
        limitBytes: 8 * GiB * 1024,
      });
    },
  );

  it("grades the process's own cgroup limit, beside the machine, when it is below RAM", async () => {
    proc.update({ cgroupMemoryMax: 1024 ** 3, cgroupMemoryCurrent: 950 * 1024 ** 2 });
    const [machine, container] = await runCheck(memoryCheck, host, { proc });
    expect(machine).toMatchObject({ severity: 'ok', data: { scope: 'machine' } });
    expect(machine.message).toMatch(/^machine: memory 25% used/);
    expect(container.severity).toBe('critical');
    expect(container.message).toMatch(
      /^pid 4242 \(node server\.js\): container memory 92\.8% used \(950 MiB of its 1\.0 GiB limit\)/,
    );
    expect(container.data).toMatchObject({ scope: 'container', pid: 4242, cgroup: '/app' });
  });

  it("uses monitor's machine figures, never its used ratio (that is the diagnosing process's cgroup)", async () => {
    const snapshot = snapshotOf([
      { name: METRICS.memoryUsedRatio, value: 0.115 },
      { name: METRICS.memTotalBytes, value: 8 * GiB * 1024 },
      { name: METRICS.memAvailableBytes, value: 1 * GiB * 1024 },
    ]);
    const [f] = await runCheck(memoryCheck, host, { proc, snapshot });
    expect(f).toMatchObject({ severity: 'warning', data: { source: 'snapshot', ratio: 7 / 8 } });
    expect(f.recommendation).toBeDefined();
  });

  it('reads the real /proc', async () => {
    const [f] = await runCheck(memoryCheck, host);
    expect(f.data?.ratio).toBeGreaterThan(0);
    expect(f.data?.ratio).toBeLessThan(1);
  });
});

describe('swapCheck', () => {
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
    [100, 'ok'],
    [600, 'warning'],
    [1200, 'critical'],
  ])(
    'grades %d MiB of swap in use as %s (500 MB threshold, critical at twice it)',
    async (usedMiB, severity) => {
      proc.update({ swapTotalKb: 2 * GiB, swapFreeKb: 2 * GiB - usedMiB * 1024 });
      const [f] = await runCheck(swapCheck, host, { proc });
      expect(f).toMatchObject({
        check: 'swap',
        severity,
        data: { usedBytes: usedMiB * 1024 * 1024 },
      });
    },
  );

  it('is ok without swap', async () => {
    proc.update({ swapTotalKb: 0, swapFreeKb: 0 });
    const [f] = await runCheck(swapCheck, host, { proc });
    expect(f).toMatchObject({ severity: 'ok', message: 'machine: no swap configured' });
  });

  it('follows a configured threshold', async () => {
    await host.stop();
    host = testHost({ thresholds: { swapUsedBytes: 50 * 1024 * 1024 } });
    proc.update({ swapTotalKb: 2 * GiB, swapFreeKb: 2 * GiB - 60 * 1024 });
    const [f] = await runCheck(swapCheck, host, { proc });
    expect(f.severity).toBe('warning');
  });
});
