import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@vitals/core';
import { DiskCollector } from '@vitals/monitor';
import { freePort, startProcess, waitFor, type RealProcess } from './real-binaries.test-util';

/**
 * Monitor's filesystem series against the real node_exporter 1.5 (Debian's
 * prometheus-node-exporter), both reading one mount table: node_exporter's `--path.procfs` and
 * our `procRoot` point at the same fake `/proc`, whose mount points are real folders, so statfs
 * answers for both. Debian patches the mount-point default (it adds /run, /mnt and /media):
 * upstream's is passed explicitly, as ours follows upstream.
 */
const UPSTREAM_MOUNT_POINTS_EXCLUDE =
  '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)';

type Series = Map<string, number>;

/** `name{device,fstype,mountpoint}` → value, for the node_filesystem_* families. */
function parse(text: string): Series {
  const out: Series = new Map();
  for (const line of text.split('\n')) {
    const m = /^(node_filesystem_\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries(
      [...m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    out.set(
      `${m[1]}{${labels['device']},${labels['fstype']},${labels['mountpoint']}}`,
      Number(m[3]),
    );
  }
  return out;
}

function ours(samples: readonly Sample[]): Series {
  const out: Series = new Map();
  for (const s of samples) {
    if (!s.name.startsWith('node_filesystem_')) continue;
    const l = s.labels ?? {};
    out.set(`${s.name}{${l['device']},${l['fstype']},${l['mountpoint']}}`, s.value);
  }
  return out;
}

describe('filesystem series: monitor and node_exporter from one mount table', () => {
  let root: string;
  let exporter: RealProcess | undefined;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vitals-fs-'));
    for (const dir of ['proc/1', 'proc/self', 'rw', 'ro', 'remount', 'tmp-ro']) {
      mkdirSync(join(root, dir), { recursive: true });
    }
  });
  afterEach(async () => {
    await exporter?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('reports the same series, read-only mounts with node_filesystem_readonly 1', async () => {
    const table = [
      `/dev/vitals-a ${root}/rw ext4 rw,relatime 0 0`,
      `/dev/vitals-b ${root}/ro ext4 ro,relatime 0 0`,
      `/dev/vitals-c ${root}/remount xfs rw,relatime,errors=remount-ro 0 0`,
      `tmpfs ${root}/tmp-ro tmpfs ro,nosuid,nodev,size=4k 0 0`,
      `/dev/vitals-d ${root}/gone ext4 ro 0 0`,
      // Skipped by both: node_exporter's default fs types and mount points.
      'proc /proc proc rw,relatime 0 0',
      'sysfs /sys sysfs ro,nosuid 0 0',
      'cgroup2 /sys/fs/cgroup cgroup2 ro 0 0',
      '/dev/loop1 /snap/core/1 squashfs ro 0 0',
      'overlay /var/lib/docker/overlay2/abc/merged overlay ro 0 0',
      '/dev/vitals-e /run/credentials/a.service ext4 ro 0 0',
      '/dev/vitals-f /var/lib/docker/volumes/x ext4 ro 0 0',
    ].join('\n');
    writeFileSync(join(root, 'proc/1/mounts'), table + '\n');
    writeFileSync(join(root, 'proc/self/mounts'), table + '\n');

    const address = `127.0.0.1:${await freePort()}`;
    exporter = startProcess('/usr/bin/prometheus-node-exporter', [
      `--web.listen-address=${address}`,
      '--collector.disable-defaults',
      '--collector.filesystem',
      `--path.procfs=${join(root, 'proc')}`,
      `--collector.filesystem.mount-points-exclude=${UPSTREAM_MOUNT_POINTS_EXCLUDE}`,
    ]);
    const theirs = await waitFor(
      `node_exporter on ${address} (${exporter.output()})`,
      async () => {
        const res = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(5000) });
        return res.ok ? parse(await res.text()) : undefined;
      },
      20_000,
    );
    // tmpfs is skipped by our default and reported by node_exporter's: included here.
    const mine = ours(
      new DiskCollector({
        procRoot: join(root, 'proc'),
        includeFsTypes: ['tmpfs'],
      }).collect() as Sample[],
    );

    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    const key = (name: string, device: string, fstype: string, dir: string) =>
      `${name}{${device},${fstype},${root}/${dir}}`;
    expect(theirs.get(key('node_filesystem_readonly', '/dev/vitals-b', 'ext4', 'ro'))).toBe(1);
    expect(theirs.get(key('node_filesystem_readonly', 'tmpfs', 'tmpfs', 'tmp-ro'))).toBe(1);
    expect(theirs.get(key('node_filesystem_device_error', '/dev/vitals-d', 'ext4', 'gone'))).toBe(
      1,
    );
    for (const [k, theirValue] of theirs) {
      const name = k.slice(0, k.indexOf('{'));
      if (/free|avail/.test(name)) {
        // Other processes write to these filesystems between the two reads: within 1 %.
        const close = Math.abs(mine.get(k)! - theirValue) <= Math.max(0.01 * theirValue, 2 ** 20);
        expect({ k, close }).toEqual({ k, close: true });
      } else {
        expect({ k, value: mine.get(k) }).toEqual({ k, value: theirValue });
      }
    }
  }, 60_000);
});
