import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import {
  filesystemUsage,
  formatBytes,
  formatDuration,
  makeTrustedFolder,
  rootOnlyFolder,
  systemClock,
} from '@vitals/core';
import type { Clock } from '@vitals/core';
import { memoryError } from '../memory.errors';

/** Guards of {@link HeapSnapshotWriter}. */
export interface HeapSnapshotOptions {
  /**
   * Folder the snapshots go to; it and the folders above it must be yours or root's and not
   * writable by others unless sticky. @default {@link defaultSnapshotDir} (created 0700)
   */
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
const uid = (): number => (typeof process.getuid === 'function' ? process.getuid() : -1);

/**
 * The default folder: for root, `/var/lib/vitals/snapshots` when `/var/lib` is root's alone (no
 * other user can create it first, and a leak's evidence outlives a reboot; `maxFiles` and
 * `minFreeBytes` bound what it holds); else `<os.tmpdir()>/vitals-snapshots-<uid>`, one per user,
 * whose name is known: in a shared `/tmp` another user can make it first, and the writer then
 * refuses it (it is not ours) rather than write into it.
 * @param euid - whose snapshots. @default the user running this process
 * @param varLib - where root's folder goes when it may. @default '/var/lib'
 */
export function defaultSnapshotDir(euid: number = uid(), varLib = '/var/lib'): string {
  if (euid === 0 && rootOnlyFolder(varLib)) return join(varLib, 'vitals', 'snapshots');
  return join(tmpdir(), `vitals-snapshots-${euid}`);
}

/**
 * `v8.writeHeapSnapshot()` behind a rate limit, a free-disk check (`statfs`) and a cap on files
 * kept. Refusals are VitalsErrors `ERR_SNAPSHOT_RATE_LIMITED` / `ERR_SNAPSHOT_DISK_FULL` /
 * `ERR_SNAPSHOT_FAILED`.
 *
 * Safe in shared folders (Vitals runs as root; issue 11): the folder is made and checked by core's
 * `makeTrustedFolder`: every folder on its path owned by this user or root and not writable by
 * others unless sticky, every link on it owned by this user or root, missing folders made 0700
 * one at a time (nothing is created where another user's link leads); each file is
 * first created with `O_CREAT|O_EXCL|O_NOFOLLOW` (mode 0600), so a link planted at its name is
 * refused rather than followed, and the written file's inode is compared with the one created.
 * The file cap counts and deletes only regular files of ours (`lstat`): a planted link, dangling
 * or not, is neither followed nor able to stop the cap.
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
    this.dir = options.dir ?? defaultSnapshotDir();
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

  /**
   * Checks every guard for a snapshot of a heap of `heapUsedBytes` (the folder, the rate limit
   * unless `ignoreRateLimit`, the free disk) and starts the rate-limit period; throws why not.
   * For snapshots written by another process into {@link dir} (then {@link adopt} the file).
   */
  reserve(heapUsedBytes: number, ignoreRateLimit = false): void {
    const now = this.clock.now();
    if (!ignoreRateLimit && this.lastAt !== undefined && now - this.lastAt < this.o.minIntervalMs) {
      const wait = this.o.minIntervalMs - (now - this.lastAt);
      throw memoryError(
        'ERR_SNAPSHOT_RATE_LIMITED',
        `heap snapshot refused: the last one was ${formatDuration(now - this.lastAt)} ago; next allowed in ${formatDuration(wait)} (minIntervalMs)`,
      );
    }
    this.checkDir();
    const need = Math.max(this.o.minFreeBytes, 2 * heapUsedBytes);
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
  }

  /** Writes a snapshot of this process now, or throws why not. */
  write(): HeapSnapshotResult {
    this.reserve(getHeapStatistics().used_heap_size);
    return this.writeReserved();
  }

  /** Writes a snapshot of this process after a {@link reserve} (no guard checked again). */
  writeReserved(): HeapSnapshotResult {
    const path = this.nextPath(process.pid);
    const created = this.createExclusive(path);
    const t0 = Date.now();
    try {
      writeHeapSnapshot(path);
      const after = lstatSync(path);
      if (!after.isFile() || after.ino !== created.ino || after.dev !== created.dev)
        throw new Error('the file was replaced while it was written');
    } catch (error) {
      throw memoryError(
        'ERR_SNAPSHOT_FAILED',
        `heap snapshot to ${path} failed: ${(error as Error).message}`,
        error,
      );
    }
    return { path, bytes: statSync(path).size, durationMs: Date.now() - t0, deleted: this.prune() };
  }

  /**
   * Takes in a snapshot another process wrote into {@link dir} (a supervised child's): renames it
   * to this writer's naming so the file cap counts it, then applies the cap. Returns the new path.
   */
  adopt(path: string, pid: number): { path: string; bytes: number; deleted: string[] } {
    const st = lstatSync(path);
    if (dirname(path) !== this.dir || !st.isFile())
      throw memoryError(
        'ERR_SNAPSHOT_FAILED',
        `heap snapshot ${path} is not a regular file in ${this.dir}; not kept`,
      );
    const target = basename(path).startsWith(PREFIX) ? path : this.nextPath(pid);
    if (target !== path) {
      this.createExclusive(target);
      renameSync(path, target);
    }
    return { path: target, bytes: st.size, deleted: this.prune() };
  }

  private nextPath(pid: number): string {
    const stamp = new Date(this.clock.now()).toISOString().replace(/[:.]/g, '-');
    return join(this.dir, `${PREFIX}${stamp}-${pid}${SUFFIX}`);
  }

  /** Creates `path` empty, mode 0600, refusing anything already there (a planted link too). */
  private createExclusive(path: string): { ino: number; dev: number } {
    let fd: number | undefined;
    try {
      fd = openSync(
        path,
        constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW,
        0o600,
      );
      const st = fstatSync(fd);
      return { ino: st.ino, dev: st.dev };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw memoryError(
        'ERR_SNAPSHOT_FAILED',
        `heap snapshot refused: ${path} already exists (${code}); not following or overwriting it`,
        error,
      );
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /**
   * Creates `dir` (0700) when missing, each missing folder checked before the next is made in it,
   * and refuses a path others could tamper with or that is not a folder (core's
   * `makeTrustedFolder`). Run at start by the memory plugin for `--snapshot-on-leak`, so a bad
   * `--snapshot-dir` is refused then, not when the first leak is confirmed.
   * @throws VitalsError `ERR_SNAPSHOT_FAILED` naming the folder, what is wrong and what to do.
   */
  checkDir(dir: string = this.dir): void {
    try {
      makeTrustedFolder(dir, uid(), { mode: 0o700 });
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { reason?: string };
      throw memoryError(
        'ERR_SNAPSHOT_FAILED',
        e.code === 'EUNTRUSTED' || (e.code === 'ENOTDIR' && e.reason)
          ? `heap snapshot refused: ${dir} ${e.reason}; choose another snapshot.dir (a folder of yours, mode 0700)`
          : `heap snapshot refused: cannot create ${dir} (${e.code ?? 'error'}); choose another snapshot.dir`,
        error,
      );
    }
  }

  /** Deletes our oldest snapshots beyond `maxFiles`: regular files of ours only (lstat). */
  private prune(): string[] {
    const me = uid();
    const ours: { path: string; mtime: number }[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.startsWith(PREFIX) || !f.endsWith(SUFFIX)) continue;
      const path = join(this.dir, f);
      try {
        const st = lstatSync(path);
        if (st.isFile() && (me < 0 || st.uid === me)) ours.push({ path, mtime: st.mtimeMs });
      } catch {
        // Gone meanwhile: nothing to count.
      }
    }
    ours.sort((a, b) => b.mtime - a.mtime || b.path.localeCompare(a.path));
    const doomed = ours.slice(this.o.maxFiles).map((f) => f.path);
    const deleted: string[] = [];
    for (const path of doomed) {
      try {
        unlinkSync(path);
        deleted.push(path);
      } catch {
        // Already gone: the cap holds anyway.
      }
    }
    return deleted;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
