import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

/** Options of {@link RotatingFileStream}. */
export interface RotatingFileOptions {
  /** Rotate once the file would pass this size, bytes. @default 10 MiB */
  readonly maxBytes?: number;
  /** Rotated files kept: `app.log.1` (newest) … `app.log.N`. @default 5 */
  readonly maxFiles?: number;
}

/**
 * An append-only log file rotated by size, for the child's stdout and stderr
 * (`--log-file app.log`). When a write would pass `maxBytes`, `app.log` becomes `app.log.1`,
 * `.1` becomes `.2` and so on, the oldest past `maxFiles` is deleted, and a new `app.log` is
 * opened. Writes are synchronous so lines from one child never interleave out of order.
 * @example child.stdout.pipe(new RotatingFileStream('/var/log/api/out.log', { maxBytes: 10 * 2 ** 20 }))
 */
export class RotatingFileStream extends Writable {
  private fd: number;
  private size: number;
  private readonly maxBytes: number;
  private readonly maxFiles: number;

  constructor(
    readonly path: string,
    options: RotatingFileOptions = {},
  ) {
    super();
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.maxFiles = options.maxFiles ?? 5;
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    try {
      if (this.size > 0 && this.size + chunk.length > this.maxBytes) this.rotate();
      writeSync(this.fd, chunk);
      this.size += chunk.length;
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    try {
      closeSync(this.fd);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private rotate(): void {
    closeSync(this.fd);
    const oldest = `${this.path}.${this.maxFiles}`;
    if (existsSync(oldest)) rmSync(oldest);
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a');
    this.size = 0;
  }
}
