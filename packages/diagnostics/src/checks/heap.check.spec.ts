import { METRICS } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { runCheck, snapshotOf, testHost } from '../testing/check-harness.test-util';
import { createFakeProc } from '../testing/fake-proc.test-util';
import type { FakeProc } from '../testing/fake-proc.test-util';
import { heapLimitCheck } from './heap-limit.check';
import { heapCheck } from './heap.check';

const MiB = 1024 * 1024;
const heap = (used: number, limit: number) => () => ({
  used_heap_size: used,
  heap_size_limit: limit,
});

describe('heapCheck', () => {
  let host: HostHandle;
  beforeEach(() => (host = testHost()));
  afterEach(() => host.stop());

  it.each([
    [500, 'ok'],
    [850, 'warning'],
    [950, 'critical'],
  ])('grades %d MiB used of a 1000 MiB heap limit as %s', async (used, severity) => {
    const [f] = await runCheck(heapCheck, host, {
      overrides: { heapStatistics: heap(used * MiB, 1000 * MiB) },
    });
    expect(f).toMatchObject({ check: 'heap', severity, data: { ratio: used / 1000 } });
  });

  it("reads monitor's heap used and memory's heap limit from the snapshot", async () => {
    const snapshot = snapshotOf([
      { name: METRICS.heapUsedBytes, value: 90 * MiB },
      { name: METRICS.heapLimitBytes, value: 100 * MiB },
    ]);
    const [f] = await runCheck(heapCheck, host, {
      snapshot,
      overrides: {
        heapStatistics: () => {
          throw new Error('not called');
        },
      },
    });
    expect(f.severity).toBe('critical');
  });

  it('reads the real V8 heap', async () => {
    const [f] = await runCheck(heapCheck, host);
    expect(f.data?.limitBytes).toBeGreaterThan(f.data?.usedBytes as number);
  });
});

describe('heapLimitCheck', () => {
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
    [512, 'ok'],
    [900, 'warning'],
    [2048, 'critical'],
  ])('grades a %d MiB heap limit in a 1 GiB container as %s', async (limit, severity) => {
    proc.update({ cgroupMemoryMax: 1024 * MiB });
    const [f] = await runCheck(heapLimitCheck, host, {
      proc,
      overrides: { heapStatistics: heap(10 * MiB, limit * MiB) },
    });
    expect(f).toMatchObject({
      check: 'heap-limit',
      severity,
      data: { limitedBy: 'cgroup', memoryBytes: 1024 * MiB },
    });
    if (severity !== 'ok') expect(f.recommendation).toContain('--max-old-space-size=768');
  });

  it('compares with RAM when there is no cgroup limit', async () => {
    const [f] = await runCheck(heapLimitCheck, host, {
      proc,
      overrides: { heapStatistics: heap(10 * MiB, 4096 * MiB) },
    });
    expect(f).toMatchObject({ severity: 'ok', data: { limitedBy: 'machine' } });
  });
});
