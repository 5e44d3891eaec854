import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS } from '@vitals/core';
import type { Sample } from '@vitals/core';
import { DiskCollector } from './disk.collector';

/** The samples of one mount point, by name. */
const of = (samples: readonly Sample[], mountpoint: string): Record<string, number> =>
  Object.fromEntries(
    samples.filter((s) => s.labels?.mountpoint === mountpoint).map((s) => [s.name, s.value]),
  );

/**
 * A fake `<procRoot>/self/mounts` whose mount points are real folders, so statfs answers: the
 * table decides what is listed and read-only, the kernel gives the figures.
 */
describe('DiskCollector: read-only mounts, as node_exporter reports them', () => {
  let root: string;
  let rw: string;
  let ro: string;
  let remountRo: string;
  const mounts = (lines: string[]) => writeFileSync(join(root, 'self/mounts'), lines.join('\n'));
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vitals-disk-'));
    mkdirSync(join(root, 'self'));
    for (const name of ['rw', 'ro', 'remount-ro']) mkdirSync(join(root, name));
    [rw, ro, remountRo] = ['rw', 'ro', 'remount-ro'].map((n) => join(root, n));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports a read-only filesystem with node_filesystem_readonly 1 and every size series', () => {
    mounts([
      `/dev/vdb ${rw} ext4 rw,relatime 0 0`,
      `/dev/vdc ${ro} ext4 ro,relatime 0 0`,
      // `errors=remount-ro` is an option of a writable mount, not the `ro` flag.
      `/dev/vdd ${remountRo} xfs rw,errors=remount-ro 0 0`,
    ]);
    const samples = new DiskCollector({ procRoot: root }).collect() as Sample[];
    const st = statfsSync(ro);
    const readOnly = of(samples, ro);
    expect(readOnly).toEqual({
      node_filesystem_device_error: 0,
      [METRICS.fsSizeBytes]: st.blocks * st.bsize,
      node_filesystem_free_bytes: expect.any(Number),
      [METRICS.fsAvailBytes]: expect.any(Number),
      node_filesystem_readonly: 1,
      [METRICS.fsFiles]: st.files,
      [METRICS.fsFilesFree]: expect.any(Number),
    });
    expect(samples.find((s) => s.labels?.mountpoint === ro)?.labels).toEqual({
      device: '/dev/vdc',
      mountpoint: ro,
      fstype: 'ext4',
    });
    expect(of(samples, rw)['node_filesystem_readonly']).toBe(0);
    expect(of(samples, remountRo)['node_filesystem_readonly']).toBe(0);
  });

  it('leaves vitals_filesystem_used_ratio out for a read-only filesystem, which cannot fill up', () => {
    mounts([`/dev/vdb ${rw} ext4 rw 0 0`, `/dev/vdc ${ro} ext4 ro 0 0`]);
    const samples = new DiskCollector({ procRoot: root }).collect() as Sample[];
    expect(of(samples, rw)[METRICS.fsUsedRatio]).toBeGreaterThanOrEqual(0);
    expect(of(samples, ro)).not.toHaveProperty(METRICS.fsUsedRatio);
  });

  it('marks a read-only mount that cannot be stated with device_error 1 and nothing else', () => {
    mounts([`/dev/vdc ${join(root, 'gone')} ext4 ro 0 0`]);
    const samples = new DiskCollector({ procRoot: root }).collect() as Sample[];
    expect(of(samples, join(root, 'gone'))).toEqual({ node_filesystem_device_error: 1 });
  });

  it("skips what node_exporter's defaults skip, read-only or not", () => {
    mounts([
      `/dev/vdc ${ro} ext4 ro 0 0`,
      'proc /proc proc rw 0 0',
      'sysfs /sys sysfs ro 0 0',
      'cgroup2 /sys/fs/cgroup cgroup2 ro 0 0',
      '/dev/loop1 /snap/core/1 squashfs ro 0 0',
      '/dev/sr0 /media/cd iso9660 ro 0 0',
      'overlay /var/lib/docker/overlay2/abc/merged overlay ro 0 0',
      `/dev/vde /run/credentials/x.service ext4 ro 0 0`,
    ]);
    const samples = new DiskCollector({ procRoot: root }).collect() as Sample[];
    expect([...new Set(samples.map((s) => s.labels?.mountpoint))]).toEqual([ro]);
  });

  it('takes a read-only tmpfs when tmpfs is included', () => {
    mounts([`tmpfs ${ro} tmpfs ro,nosuid,size=4k 0 0`]);
    expect(of(new DiskCollector({ procRoot: root }).collect() as Sample[], ro)).toEqual({});
    const withTmpfs = new DiskCollector({ procRoot: root, includeFsTypes: ['tmpfs'] });
    expect(of(withTmpfs.collect() as Sample[], ro)['node_filesystem_readonly']).toBe(1);
  });
});
