import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { makeTrustedFolder } from '@vitals/core';

/** Options of {@link RotatingFileStream}. */
export interface RotatingFileOptions {
  /** Rotate once the file would pass this size, bytes. @default 10 MiB */
  readonly maxBytes?: number;
  /** Rotated files kept: `app.log.1` (newest) … `app.log.N`. @default 5 */
  readonly maxFiles?: number;
  /**
   * Called once when writing starts to fail (ENOSPC on a full disk, EPIPE, EMFILE, EIO), and again
   * only after writes succeeded in between. The stream never errors: lines are dropped and counted
   * in `droppedLines`.
   */
  readonly onDegraded?: (error: NodeJS.ErrnoException) => void;
}

/**
 * Appending, created 0640 when missing, and never through a link planted at the name; O_NONBLOCK so
 * that a FIFO planted at the name fails (ENXIO) instead of blocking the supervisor in open(2)
 * forever (no effect on a regular file's writes).
 */
const OPEN_FLAGS =
  constants.O_WRONLY |
  constants.O_APPEND |
  constants.O_CREAT |
  constants.O_NOFOLLOW |
  constants.O_NONBLOCK;
/** A log folder its group can write is trusted as the group is (Ubuntu's /var/log: root:syslog 0775). */
const LOG_TRUST = { groupWritable: true };
/** A file that could not be (re)opened is tried again after this long, not on every line. */
const REOPEN_MS = 1000;

/**
 * An append-only log file rotated by size, for the child's stdout and stderr
 * (`--log-file app.log`). When a write would pass `maxBytes`, `app.log` becomes `app.log.1`,
 * `.1` becomes `.2` and so on, the oldest past `maxFiles` is deleted, and a new `app.log` is
 * opened. Writes are synchronous so lines from one child never interleave out of order.
 *
 * A log that cannot be written degrades, it never ends the supervisor (issue 11: ENOSPC on a full
 * disk was an unhandled 'error' that exited it and orphaned the child): the chunk is dropped, its
 * lines counted in {@link droppedLines}, `onDegraded` told once, and the next write tries again.
 * @example child.stdout.pipe(new RotatingFileStream('/var/log/api/out.log', { maxBytes: 10 * 2 ** 20 }))
 */
export class RotatingFileStream extends Writable {
  /** Lines (newline-terminated chunks count each newline; a partial one counts as one) dropped. */
  droppedLines = 0;
  private fd: number;
  private size: number;
  private degraded = false;
  private lastOpenAttempt = 0;
  private readonly maxBytes: number;
  private readonly maxFiles: number;

  /** The file, in its folder with links resolved (the folder that was checked). */
  readonly path: string;

  /**
   * @throws Error `code` 'EUNTRUSTED' when the folder goes through a link another user owns, or
   *   is (or is inside) a folder another user owns or can write without the sticky bit; the file
   *   system's error (EACCES, ELOOP for a link at the name) otherwise.
   */
  constructor(
    path: string,
    private readonly options: RotatingFileOptions = {},
  ) {
    super();
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.maxFiles = options.maxFiles ?? 5;
    const uid = process.geteuid?.() ?? 0;
    // mkdir -p checked before anything is made (core), and the file opened through the folder that
    // was checked: a link on the way, or a folder others can write, could send a root
    // supervisor's appends and renames anywhere (O_NOFOLLOW guards the name only).
    // Its group may write it: a log folder often belongs to a logging group (Ubuntu's /var/log).
    const folder = makeTrustedFolder(dirname(path), uid, LOG_TRUST);
    // Sticky is not enough for the log's own folder (as logrotate): there another user can plant
    // app.log.N as a folder, and rotation (rm, rename) then fails on every write, all lines lost.
    if (statSync(folder).mode & 0o002) {
      const error: NodeJS.ErrnoException = new Error(
        `${dirname(path)} is a folder every user can write (sticky or not): another user could plant ${basename(path)}.1 and break rotation`,
      );
      error.code = 'EUNTRUSTED';
      throw error;
    }
    this.path = join(folder, basename(path));
    this.fd = openLog(this.path);
    this.size = fstatSync(this.fd).size;
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    try {
      this.reopenIfClosed();
      if (this.size > 0 && this.size + chunk.length > this.maxBytes) this.rotate();
      let offset = 0;
      while (offset < chunk.length) offset += writeSync(this.fd, chunk, offset);
      this.size += chunk.length;
      this.degraded = false;
    } catch (error) {
      this.drop(chunk, error as NodeJS.ErrnoException);
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.closeFd();
    callback();
  }

  private drop(chunk: Buffer, error: NodeJS.ErrnoException): void {
    let lines = 0;
    for (const byte of chunk) if (byte === 10) lines++;
    this.droppedLines += lines || 1;
    if (this.degraded) return;
    this.degraded = true;
    try {
      this.options.onDegraded?.(error);
    } catch {
      // a warning that cannot be printed must not end the stream either
    }
  }

  private reopenIfClosed(): void {
    if (this.fd >= 0) return;
    const now = Date.now();
    if (now - this.lastOpenAttempt < REOPEN_MS) {
      const error: NodeJS.ErrnoException = new Error(`${this.path} is not open`);
      error.code = 'EBADF';
      throw error;
    }
    this.lastOpenAttempt = now;
    this.fd = openLog(this.path);
    this.size = fstatSync(this.fd).size;
  }

  private closeFd(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = -1;
  }

  private rotate(): void {
    this.closeFd();
    const oldest = `${this.path}.${this.maxFiles}`;
    if (existsSync(oldest)) rmSync(oldest);
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.lastOpenAttempt = Date.now();
    this.fd = openLog(this.path);
    this.size = 0;
  }
}

/**
 * Opens the log, refusing what another user could have planted at the name in a sticky folder
 * (/tmp): a file, FIFO or device they own (they would read root's child's output), a hard link, a
 * FIFO with no reader (open(2) would block for good). O_NONBLOCK stays set: a FIFO whose reader
 * falls behind drops lines (EAGAIN) rather than stalling the supervisor.
 * @throws Error `code` 'EUNTRUSTED', or the file system's error (ELOOP, ENXIO for a FIFO).
 */
function openLog(path: string): number {
  const fd = openSync(path, OPEN_FLAGS, 0o640);
  const st = fstatSync(fd);
  const uid = process.geteuid?.() ?? st.uid;
  // /dev/null, /dev/full and a FIFO of root's or the user's own stay usable as a log.
  const special = st.isCharacterDevice() || st.isFIFO();
  const why =
    !special && !st.isFile()
      ? 'is not a regular file'
      : st.uid !== uid && !(special && st.uid === 0)
        ? `belongs to uid ${st.uid}`
        : !special && st.nlink > 1
          ? 'has other hard links'
          : undefined;
  if (!why) return fd;
  closeSync(fd);
  const error: NodeJS.ErrnoException = new Error(`${path} ${why}`);
  error.code = 'EUNTRUSTED';
  throw error;
}
