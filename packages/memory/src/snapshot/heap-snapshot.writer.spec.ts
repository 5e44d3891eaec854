import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, isVitalsError } from '@vitals/core';
import { HeapSnapshotWriter } from './heap-snapshot.writer';

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
      `heap snapshot refused: cannot create ${target} (ENOTDIR); choose another snapshot.dir`,
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
});
