import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS, countOpenFds } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { runCheck, snapshotOf, testHost } from '../testing/check-harness.test-util';
import { createFakeProc } from '../testing/fake-proc.test-util';
import type { FakeProc } from '../testing/fake-proc.test-util';
import { fdsCheck } from './fds.check';

describe('fdsCheck', () => {
  let host: HostHandle;
  let proc: FakeProc | undefined;
  const opened: number[] = [];
  let dir: string | undefined;
  beforeEach(() => (host = testHost()));
  afterEach(async () => {
    opened.splice(0).forEach((fd) => closeSync(fd));
    if (dir) rmSync(dir, { recursive: true, force: true });
    proc?.remove();
    await host.stop();
  });

  it.each([
    [30, 10_000, 'ok'],
    [600, 10_000, 'warning'],
    [1100, 10_000, 'critical'],
    [85, 100, 'warning'],
    [95, 100, 'critical'],
  ])('grades %d open of a soft limit of %d as %s', async (fds, fdSoft, severity) => {
    proc = createFakeProc({ fds, fdSoft });
    const [f] = await runCheck(fdsCheck, host, { proc });
    expect(f).toMatchObject({
      check: 'fds',
      area: 'process',
      severity,
      data: { open: fds, softLimit: fdSoft },
    });
  });

  it('counts files this process really opens', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-fds-'));
    const before = countOpenFds('self')!;
    await host.stop();
    host = testHost({ thresholds: { openFds: before + 10 } });
    const file = join(dir, 'f');
    writeFileSync(file, 'x');
    for (let i = 0; i < 12; i++) opened.push(openSync(file, 'r'));
    const [f] = await runCheck(fdsCheck, host);
    expect(f.data?.open).toBeGreaterThanOrEqual(before + 12);
    expect(f.severity).toBe('warning');
  });

  it("uses monitor's figures for this process", async () => {
    const snapshot = snapshotOf([
      { name: METRICS.processOpenFds, value: 930 },
      { name: METRICS.processMaxFds, value: 1024 },
    ]);
    const [f] = await runCheck(fdsCheck, host, { snapshot });
    expect(f).toMatchObject({ severity: 'critical', data: { open: 930, softLimit: 1024 } });
  });
});
