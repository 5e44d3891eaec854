import { statfsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesystemUsage, readMounts, realFilesystems } from './mounts';

const TABLE = [
  'overlay / overlay rw,relatime,lowerdir=/l 0 0',
  'proc /proc proc rw,nosuid 0 0',
  'tmpfs /dev tmpfs rw,nosuid 0 0',
  '/dev/vda1 /data ext4 rw,relatime 0 0',
  '/dev/vda1 /etc/hosts ext4 rw,relatime 0 0',
  '/dev/vdb /srv/my\\040files xfs rw 0 0',
  '/dev/vdc /mnt/iso iso9660 ro 0 0',
  'tmpfs /run/app tmpfs rw 0 0',
].join('\n');

describe('mounts', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vitals-mounts-'));
    mkdirSync(join(root, 'self'));
    writeFileSync(join(root, 'self', 'mounts'), TABLE + '\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('parses the table with octal escapes and read-only flags', () => {
    const mounts = readMounts({ procRoot: root });
    expect(mounts).toHaveLength(8);
    expect(mounts[5]).toMatchObject({
      device: '/dev/vdb',
      mountpoint: '/srv/my files',
      fstype: 'xfs',
      readOnly: false,
    });
    expect(mounts[6].readOnly).toBe(true);
    expect(readMounts({ procRoot: join(root, 'missing') })).toEqual([]);
  });

  it('keeps real filesystems: overlay root, each device once, no pseudo or read-only mounts', () => {
    const kept = realFilesystems(readMounts({ procRoot: root })).map((m) => m.mountpoint);
    expect(kept).toEqual(['/', '/data', '/srv/my files']);
    const withTmpfs = realFilesystems(readMounts({ procRoot: root }), {
      includeFsTypes: ['tmpfs'],
      excludeMountpoints: ['/dev'],
    }).map((m) => m.mountpoint);
    expect(withTmpfs).toEqual(['/', '/data', '/srv/my files', '/run/app']);
  });

  it('measures a filesystem as df does, agreeing with statfs', () => {
    const st = statfsSync('/');
    const usage = filesystemUsage('/');
    expect(usage?.sizeBytes).toBe(st.blocks * st.bsize);
    const used = st.blocks - st.bfree;
    expect(usage?.usedRatio).toBeCloseTo(used / (used + st.bavail), 2);
    expect(filesystemUsage('/no/such/mount')).toBeUndefined();
    const reserved = { bsize: 4096, blocks: 100, bfree: 10, bavail: 0, files: 10, ffree: 5 };
    expect(filesystemUsage('/x', () => reserved)?.usedRatio).toBe(1);
  });

  it('reads this machine: the real root filesystem is among the real ones', () => {
    const real = realFilesystems(readMounts());
    expect(real.length).toBeGreaterThan(0);
    expect(real.every((m) => !m.readOnly)).toBe(true);
  });
});
