import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@vitals/core';
import { DiskCollector } from './disk.collector';

// A filesystem remounted read-only while the host runs (ext4's errors=remount-ro after an I/O
// error: the case node_filesystem_readonly is alerted on). node_exporter reads the mount table on
// every scrape and reports it at once; DiskCollector re-read it every 60 collections, so at the
// default 1 s interval node_filesystem_readonly stayed 0 for up to a minute (measured 57 s with
// `mount -o remount,ro` beside prometheus-node-exporter 1.5), at 15 s for up to 15 minutes, and
// vitals_filesystem_used_ratio kept reporting the read-only filesystem meanwhile.

const readonly = (samples: readonly Sample[], mountpoint: string) =>
  samples.find((s) => s.name === 'node_filesystem_readonly' && s.labels?.mountpoint === mountpoint)
    ?.value;

describe('DiskCollector: a filesystem remounted read-only', () => {
  let root: string;
  let data: string;
  const mounts = (opts: string) =>
    writeFileSync(join(root, 'self/mounts'), `/dev/vdb ${data} ext4 ${opts} 0 0\n`);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vitals-disk-remount-'));
    mkdirSync(join(root, 'self'));
    data = join(root, 'data');
    mkdirSync(data);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is reported within mountsMaxAgeMs, however many collections that is', async () => {
    mounts('rw,relatime');
    const collector = new DiskCollector({ procRoot: root, mountsMaxAgeMs: 100 });
    expect(readonly(collector.collect() as Sample[], data)).toBe(0);
    mounts('ro,relatime');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const samples = collector.collect() as Sample[];
    expect(readonly(samples, data)).toBe(1);
    expect(samples.some((s) => s.name === 'vitals_filesystem_used_ratio')).toBe(false);
  });

  it('is not re-read on every collection within mountsMaxAgeMs', () => {
    mounts('rw,relatime');
    const collector = new DiskCollector({ procRoot: root, mountsMaxAgeMs: 60_000 });
    expect(readonly(collector.collect() as Sample[], data)).toBe(0);
    mounts('ro,relatime');
    expect(readonly(collector.collect() as Sample[], data)).toBe(0);
  });

  it('defaults to 10 s, under a typical Prometheus scrape interval (15 s)', () => {
    expect(DiskCollector.MOUNTS_MAX_AGE_MS).toBe(10_000);
  });
});
