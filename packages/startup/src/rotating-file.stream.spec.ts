import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingFileStream } from './rotating-file.stream';

const write = (s: RotatingFileStream, text: string) =>
  new Promise<void>((resolve, reject) => s.write(text, (e) => (e ? reject(e) : resolve())));

describe('RotatingFileStream', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vitals-rot-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates by size and keeps at most maxFiles old files', async () => {
    const path = join(dir, 'logs', 'app.log');
    const stream = new RotatingFileStream(path, { maxBytes: 10, maxFiles: 2 });
    for (const line of ['aaaaaaaa\n', 'bbbbbbbb\n', 'cccccccc\n', 'dddddddd\n'])
      await write(stream, line);
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(readFileSync(path, 'utf8')).toBe('dddddddd\n');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('cccccccc\n');
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('bbbbbbbb\n');
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('appends to an existing file and counts its size', async () => {
    const path = join(dir, 'app.log');
    const first = new RotatingFileStream(path, { maxBytes: 100 });
    await write(first, 'one\n');
    await new Promise<void>((resolve) => first.end(resolve));
    const second = new RotatingFileStream(path, { maxBytes: 100 });
    await write(second, 'two\n');
    await new Promise<void>((resolve) => second.end(resolve));
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
  });
});
