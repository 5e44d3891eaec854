import {
  chmodSync,
  chownSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, isVitalsError } from '@vitals/core';
import { HeapSnapshotWriter, defaultSnapshotDir } from './heap-snapshot.writer';

describe('HeapSnapshotWriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-snap-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const catchError = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it("puts root's snapshots under a /var/lib only root can write, else one folder per user in tmp", () => {
    const varLib = join(dir, 'var-lib');
    mkdirSync(varLib, { mode: 0o755 });
    chmodSync(dir, 0o755);
    expect(defaultSnapshotDir(0, varLib)).toBe(join(varLib, 'vitals', 'snapshots'));
    expect(defaultSnapshotDir(1000, varLib)).toBe(join(tmpdir(), 'vitals-snapshots-1000'));
    // Missing folders are made 0700, one at a time, and the snapshot goes in.
    const written = new HeapSnapshotWriter({ dir: defaultSnapshotDir(0, varLib) }).write();
    expect(written.path.startsWith(join(varLib, 'vitals', 'snapshots'))).toBe(true);
    expect(lstatSync(join(varLib, 'vitals')).mode & 0o777).toBe(0o700);
    // A /var/lib others can write or that is not root's: the per-user tmp folder, as before.
    chmodSync(varLib, 0o1777);
    expect(defaultSnapshotDir(0, varLib)).toBe(join(tmpdir(), 'vitals-snapshots-0'));
    chmodSync(varLib, 0o755);
    chownSync(varLib, 65534, 65534);
    expect(defaultSnapshotDir(0, varLib)).toBe(join(tmpdir(), 'vitals-snapshots-0'));
  }, 30_000);

  it('refuses when the disk would be too full (minFreeBytes above what statfs reports)', () => {
    const writer = new HeapSnapshotWriter({ dir, minFreeBytes: 1e18 });
    const error = catchError(() => writer.write());
    expect(isVitalsError(error, 'ERR_SNAPSHOT_DISK_FULL')).toBe(true);
    expect((error as Error).message).toMatch(/free in .*needs/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses in one line when its folder cannot be created', () => {
    writeFileSync(join(dir, 'a-file'), '');
    const target = join(dir, 'a-file', 'snaps');
    const error = catchError(() =>
      new HeapSnapshotWriter({ dir: target, minFreeBytes: 0 }).write(),
    );
    expect(isVitalsError(error, 'ERR_SNAPSHOT_FAILED')).toBe(true);
    expect((error as Error).message).toBe(
      `heap snapshot refused: ${target} goes through ${join(dir, 'a-file')}, which is not a folder; choose another snapshot.dir (a folder of yours, mode 0700)`,
    );
  });

  it('writes a real snapshot, keeps at most maxFiles of its own, then rate-limits on the clock', () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    for (const [i, name] of ['vitals-old-1.heapsnapshot', 'vitals-old-2.heapsnapshot'].entries()) {
      writeFileSync(join(dir, name), '{}');
      utimesSync(join(dir, name), 1000 + i, 1000 + i);
    }
    writeFileSync(join(dir, 'someone-else.heapsnapshot'), '{}');
    const writer = new HeapSnapshotWriter(
      { dir, minFreeBytes: 0, maxFiles: 2, minIntervalMs: 60_000 },
      clock,
    );
    const r = writer.write();
    expect(r.bytes).toBeGreaterThan(100_000);
    expect(r.deleted).toEqual([join(dir, 'vitals-old-1.heapsnapshot')]);
    expect(existsSync(join(dir, 'someone-else.heapsnapshot'))).toBe(true);
    clock.advance(30_000);
    expect(
      isVitalsError(
        catchError(() => writer.write()),
        'ERR_SNAPSHOT_RATE_LIMITED',
      ),
    ).toBe(true);
  });

  it('never follows a link planted at the snapshot file name (the victim stays as it was)', () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const name = `vitals-2026-01-01T00-00-00-000Z-${process.pid}.heapsnapshot`;
    symlinkSync(victim, join(dir, name));
    const error = catchError(() => new HeapSnapshotWriter({ dir, minFreeBytes: 0 }, clock).write());
    expect(isVitalsError(error, 'ERR_SNAPSHOT_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/already exists .*not following/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('keeps the file cap with a planted dangling link among the snapshots (lstat: only our regular files count)', () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'vitals-0000-dangling.heapsnapshot'));
    for (const [i, name] of ['vitals-old-1.heapsnapshot', 'vitals-old-2.heapsnapshot'].entries()) {
      writeFileSync(join(dir, name), '{}');
      utimesSync(join(dir, name), 1000 + i, 1000 + i);
    }
    const writer = new HeapSnapshotWriter({ dir, minFreeBytes: 0, maxFiles: 2 }, clock);
    const r = writer.write();
    expect(r.deleted).toEqual([join(dir, 'vitals-old-1.heapsnapshot')]);
    expect(readdirSync(dir).sort()).toEqual(
      [
        'vitals-0000-dangling.heapsnapshot',
        'vitals-old-2.heapsnapshot',
        r.path.slice(dir.length + 1),
      ].sort(),
    );
  });

  it('refuses a folder that other users can write unless it is sticky', () => {
    chmodSync(dir, 0o777);
    const open = catchError(() => new HeapSnapshotWriter({ dir, minFreeBytes: 0 }).write());
    expect(isVitalsError(open, 'ERR_SNAPSHOT_FAILED')).toBe(true);
    expect((open as Error).message).toBe(
      `heap snapshot refused: ${dir} is in a folder other users can write (${dir}); choose another snapshot.dir (a folder of yours, mode 0700)`,
    );
    expect(readdirSync(dir)).toEqual([]);
    chmodSync(dir, 0o1777);
    // Sticky and ours (like /tmp for root): every guard passes.
    expect(() => new HeapSnapshotWriter({ dir, minFreeBytes: 0 }).reserve(0)).not.toThrow();
  });

  it("creates nothing where another user's link on the way leads", () => {
    // Before: mkdir -p followed the link (root made target/snaps) and only the last folder was
    // checked (root's, 0700), so snapshots went to a folder nobody chose.
    chmodSync(dir, 0o755);
    const target = join(dir, 'target');
    mkdirSync(target);
    const link = join(dir, 'link');
    symlinkSync(target, link);
    lchownSync(link, 65534, 65534);
    const error = catchError(() =>
      new HeapSnapshotWriter({ dir: join(link, 'snaps'), minFreeBytes: 0 }).write(),
    );
    expect(isVitalsError(error, 'ERR_SNAPSHOT_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/goes through a link owned by uid 65534 /);
    expect(readdirSync(target)).toEqual([]);
    // A link of its own is its to follow: the snapshot lands in the folder it leads to.
    lchownSync(link, 0, 0);
    const r = new HeapSnapshotWriter({ dir: link, minFreeBytes: 0 }).write();
    expect(readdirSync(target)).toEqual([r.path.slice(link.length + 1)]);
  });

  it('refuses a folder below one others can write, though the last folder itself is fine', () => {
    // Before: only the last folder was checked; another user could rename it and put theirs in.
    const snaps = join(dir, 'snaps');
    mkdirSync(snaps, { mode: 0o700 });
    chmodSync(dir, 0o777);
    const error = catchError(() => new HeapSnapshotWriter({ dir: snaps, minFreeBytes: 0 }).write());
    expect((error as Error).message).toMatch(/is in a folder other users can write/);
    expect(readdirSync(snaps)).toEqual([]);
  });
});
