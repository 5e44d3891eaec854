import { METRICS } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import type { FsStats } from '../check.context';
import { runCheck, snapshotOf, testHost } from '../testing/check-harness.test-util';
import { createFakeProc } from '../testing/fake-proc.test-util';
import type { FakeProc } from '../testing/fake-proc.test-util';
import { diskCheck } from './disk.check';

/** statfs figures for a 1000-block filesystem with `usedPct` % of blocks and `inodePct` % of inodes used. */
const fs = (usedPct: number, inodePct = 10): FsStats => ({
  bsize: 4096,
  blocks: 1000,
  bfree: 1000 - usedPct * 10,
  bavail: 1000 - usedPct * 10,
  files: 1000,
  ffree: 1000 - inodePct * 10,
});

const MOUNTS = [
  '/dev/sda1 / ext4 rw 0 0',
  '/dev/sdb1 /data xfs rw 0 0',
  '/dev/sdb1 /etc/hosts xfs rw,bind 0 0',
  'proc /proc proc rw 0 0',
  'tmpfs /sys/fs/cgroup tmpfs ro 0 0',
  '/dev/loop0 /snap/core squashfs ro 0 0',
  '/dev/sdc1 /mnt/my\\040disk ext4 rw 0 0',
  'tmpfs /mnt/config tmpfs ro,nosuid,size=4k 0 0',
].join('\n');

describe('diskCheck', () => {
  let host: HostHandle;
  let proc: FakeProc;
  beforeEach(() => {
    host = testHost();
    proc = createFakeProc({ mounts: MOUNTS });
  });
  afterEach(async () => {
    proc.remove();
    await host.stop();
  });

  it('measures each real, writable filesystem once and grades space and inodes (85 %, critical 92.5 %)', async () => {
    const figures: Record<string, FsStats> = {
      '/': fs(40),
      '/data': fs(88),
      '/mnt/my disk': fs(20, 95),
    };
    const statted: string[] = [];
    const findings = await runCheck(diskCheck, host, {
      proc,
      overrides: { statfs: (p) => (statted.push(p), figures[p]) },
    });
    expect(statted).toEqual(['/', '/data', '/mnt/my disk']);
    expect(findings.map((f) => [f.data?.mountpoint, f.severity])).toEqual([
      ['/', 'ok'],
      ['/data', 'warning'],
      ['/mnt/my disk', 'critical'],
    ]);
    expect(findings[2].recommendation).toContain('inodes');
    expect(findings[1].data?.figure).toMatch(/^space 88% used; warning ≥ 85%/);
    expect(findings[2].data?.figure).toMatch(/^inodes 95% used; /);
  });

  it('is critical when space runs out', async () => {
    const [f] = await runCheck(diskCheck, host, { proc, overrides: { statfs: () => fs(97) } });
    expect(f.severity).toBe('critical');
    expect(f.message).toMatch(/^machine: \/: 97% used/);
  });

  it('skips a mount that cannot be measured', async () => {
    const findings = await runCheck(diskCheck, host, {
      proc,
      overrides: {
        statfs: (p) => {
          if (p === '/data') throw new Error('EACCES');
          return fs(10);
        },
      },
    });
    expect(findings.map((f) => f.data?.mountpoint)).toEqual(['/', '/mnt/my disk']);
  });

  it("uses monitor's node_filesystem_* samples when present", async () => {
    const labels = { device: '/dev/sda1', mountpoint: '/', fstype: 'ext4' };
    const snapshot = snapshotOf([
      { name: METRICS.fsSizeBytes, value: 1000, labels },
      { name: METRICS.fsAvailBytes, value: 100, labels },
      { name: METRICS.fsFiles, value: 100, labels },
      { name: METRICS.fsFilesFree, value: 90, labels },
    ]);
    const [f, ...rest] = await runCheck(diskCheck, host, {
      proc,
      snapshot,
      overrides: {
        statfs: () => {
          throw new Error('not called');
        },
      },
    });
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ severity: 'warning', data: { usedRatio: 0.9, mountpoint: '/' } });
  });

  it("leaves out a read-only filesystem of monitor's samples, full as it may be", async () => {
    const rw = { device: '/dev/sda1', mountpoint: '/', fstype: 'ext4' };
    const ro = { device: '/dev/sdb', mountpoint: '/mnt/image', fstype: 'ext4' };
    const snapshot = snapshotOf([
      { name: METRICS.fsSizeBytes, value: 1000, labels: rw },
      { name: METRICS.fsAvailBytes, value: 900, labels: rw },
      { name: 'node_filesystem_readonly', value: 0, labels: rw },
      { name: METRICS.fsSizeBytes, value: 1000, labels: ro },
      { name: METRICS.fsAvailBytes, value: 0, labels: ro },
      { name: 'node_filesystem_readonly', value: 1, labels: ro },
    ]);
    const findings = await runCheck(diskCheck, host, {
      proc,
      snapshot,
      overrides: {
        statfs: () => {
          throw new Error('not called');
        },
      },
    });
    expect(findings.map((f) => [f.data?.mountpoint, f.severity])).toEqual([['/', 'ok']]);
  });

  it('measures the real root filesystem', async () => {
    const findings = await runCheck(diskCheck, host);
    expect(findings.find((f) => f.data?.mountpoint === '/')?.data?.sizeBytes).toBeGreaterThan(0);
  });
});
