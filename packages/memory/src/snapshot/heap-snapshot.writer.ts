import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { filesystemUsage, formatBytes, formatDuration, systemClock } from '@vitals/core';
import type { Clock } from '@vitals/core';
import { memoryError } from '../memory.errors';

/** Guards of {@link HeapSnapshotWriter}. */
export interface HeapSnapshotOptions {
  /** Folder the snapshots go to. @default os.tmpdir() */
  readonly dir?: string;
  /** Minimum time between two snapshots, ms (writing one blocks the process). @default 300000 */
  readonly minIntervalMs?: number;
  /** Refuse unless this much disk stays free, bytes (and at least 2 × heap used). @default 1 GiB */
  readonly minFreeBytes?: number;
  /** Snapshots kept; the oldest of ours beyond it are deleted. @default 3 */
  readonly maxFiles?: number;
}

/** A written snapshot. */
export interface HeapSnapshotResult {
  readonly path: string;
  readonly bytes: number;
  readonly durationMs: number;
  /** Older snapshots deleted to respect `maxFiles`. */
  readonly deleted: readonly string[];
}

const PREFIX = 'vitals-';
const SUFFIX = '.heapsnapshot';

/**
 * `v8.writeHeapSnapshot()` behind a rate limit, a free-disk check (`statfs`) and a cap on files
 * kept. Refusals are VitalsErrors `ERR_SNAPSHOT_RATE_LIMITED` / `ERR_SNAPSHOT_DISK_FULL`.
 *
 * @example new HeapSnapshotWriter({ dir: '/var/tmp/app' }).write().path
 */
export class HeapSnapshotWriter {
  readonly dir: string;
  private readonly o: Required<Omit<HeapSnapshotOptions, 'dir'>>;
  private lastAt: number | undefined;

  constructor(
    options: HeapSnapshotOptions = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.dir = options.dir ?? tmpdir();
    this.o = {
      minIntervalMs: 300_000,
      minFreeBytes: 1024 ** 3,
      maxFiles: 3,
      ...stripUndefined(options),
    };
  }

  /** Free bytes for an unprivileged user in `dir` (core's `filesystemUsage`); undefined when unreadable. */
  freeBytes(): number | undefined {
    return filesystemUsage(this.dir)?.availBytes;
  }

  /** Writes a snapshot now, or throws why not. */
  write(): HeapSnapshotResult {
    const now = this.clock.now();
    if (this.lastAt !== undefined && now - this.lastAt < this.o.minIntervalMs) {
      const wait = this.o.minIntervalMs - (now - this.lastAt);
      throw memoryError(
        'ERR_SNAPSHOT_RATE_LIMITED',
        `heap snapshot refused: the last one was ${formatDuration(now - this.lastAt)} ago; next allowed in ${formatDuration(wait)} (minIntervalMs)`,
      );
    }
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (error) {
      throw memoryError(
        'ERR_SNAPSHOT_FAILED',
        `heap snapshot refused: cannot create ${this.dir} (${(error as NodeJS.ErrnoException).code ?? 'error'}); choose another snapshot.dir`,
        error,
      );
    }
    const need = Math.max(this.o.minFreeBytes, 2 * getHeapStatistics().used_heap_size);
    const free = this.freeBytes();
    if (free === undefined) {
      throw memoryError(
        'ERR_SNAPSHOT_DISK_FULL',
        `heap snapshot refused: cannot read the free space of ${this.dir} (statfs failed); choose another snapshot.dir`,
      );
    }
    if (free < need) {
      throw memoryError(
        'ERR_SNAPSHOT_DISK_FULL',
        `heap snapshot refused: ${formatBytes(free)} free in ${this.dir}, needs ${formatBytes(need)}; free disk space or lower minFreeBytes`,
      );
    }
    this.lastAt = now;
    const path = join(
      this.dir,
      `${PREFIX}${new Date(now).toISOString().replace(/[:.]/g, '-')}-${process.pid}${SUFFIX}`,
    );
    const t0 = Date.now();
    try {
      writeHeapSnapshot(path);
    } catch (error) {
      throw memoryError(
        'ERR_SNAPSHOT_FAILED',
        `heap snapshot to ${path} failed: ${(error as Error).message}`,
        error,
      );
    }
    return { path, bytes: statSync(path).size, durationMs: Date.now() - t0, deleted: this.prune() };
  }

  /** Deletes our oldest snapshots beyond `maxFiles`. */
  private prune(): string[] {
    const ours = readdirSync(this.dir)
      .filter((f) => f.startsWith(PREFIX) && f.endsWith(SUFFIX))
      .map((f) => ({ path: join(this.dir, f), mtime: statSync(join(this.dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime || b.path.localeCompare(a.path));
    const doomed = ours.slice(this.o.maxFiles).map((f) => f.path);
    for (const path of doomed) unlinkSync(path);
    return doomed;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
