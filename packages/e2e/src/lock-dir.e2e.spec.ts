import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VITALS_BIN } from './vitals-binary.test-util';

// A lock folder that is not a folder is a bad flag value: one line naming it, exit 64 (EX_USAGE),
// and no child started. Before: exit 1, and `/dev/null` read "is in a folder other users can
// write" (the folder rule judged the device by its mode). The same through a link of yours that
// leads to something other than a folder: before, a link to /dev/null read the same, and a folder
// under a link to a file, or a link that leads nowhere or loops, exited 1 with "(ENOTDIR)",
// "(ENOENT)" or "(ELOOP)" where the same path through a plain file exited 64.

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-lock-dir-'));
  fs.writeFileSync(path.join(dir, 'afile'), 'data');
  fs.symlinkSync('/dev/null', path.join(dir, 'to-null'));
  fs.symlinkSync(path.join(dir, 'afile'), path.join(dir, 'to-file'));
  fs.symlinkSync(path.join(dir, 'nothing'), path.join(dir, 'to-nothing'));
  fs.symlinkSync(path.join(dir, 'loop-b'), path.join(dir, 'loop-a'));
  fs.symlinkSync(path.join(dir, 'loop-a'), path.join(dir, 'loop-b'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `vitals run --lock-dir <lockDir>`: exit 64, one line matching `message`, no child, nothing made. */
function refused(lockDir: string, message: RegExp): void {
  const marker = path.join(dir, 'started');
  const r = spawnSync(
    process.execPath,
    [
      VITALS_BIN,
      'run',
      '--name',
      'bot',
      '--lock-dir',
      lockDir,
      '--',
      process.execPath,
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
    ],
    { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 },
  );
  expect(r.stderr).not.toMatch(/\n\s+at /);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('vitals run: '));
  expect({ status: r.status, lines }).toEqual({
    status: 64,
    lines: [expect.stringMatching(message)],
  });
  expect(fs.existsSync(marker)).toBe(false);
  expect(fs.existsSync(path.join(dir, 'nothing'))).toBe(false);
  expect(fs.readFileSync(path.join(dir, 'afile'), 'utf8')).toBe('data');
}

describe('vitals run --lock-dir', () => {
  it.each<[string, (dir: string) => string, RegExp]>([
    ['/dev/null', () => '/dev/null', /the lock folder \/dev\/null is not a folder: set/],
    ['a file', (d) => path.join(d, 'afile'), /the lock folder \S+afile is not a folder: set/],
    [
      'a folder under a file',
      (d) => path.join(d, 'afile', 'sub'),
      /the lock folder \S+afile\/sub goes through \S+afile, which is not a folder: set/,
    ],
  ])('%s: exits 64 with one line and starts nothing', (_, lockDir, message) =>
    refused(lockDir(dir), message),
  );
});

describe('vitals run --lock-dir through a link', () => {
  it.each<[string, RegExp]>([
    ['to-null', /the lock folder \S+to-null is a link to \/dev\/null, which is not a folder: set/],
    [
      'to-null/sub',
      /the lock folder \S+to-null\/sub goes through \S+to-null, a link to \/dev\/null, which is not a folder: set/,
    ],
    ['to-file', /the lock folder \S+to-file is a link to \S+afile, which is not a folder: set/],
    [
      'to-file/sub',
      /the lock folder \S+to-file\/sub goes through \S+to-file, a link to \S+afile, which is not a folder: set/,
    ],
    [
      'to-nothing/sub',
      /the lock folder \S+to-nothing\/sub goes through \S+to-nothing, a link to \S+nothing, which is not a folder: set/,
    ],
    [
      'loop-a/sub',
      /the lock folder \S+loop-a\/sub goes through \S+loop-a, a link to \S+loop-b, which is not a folder: set/,
    ],
  ])('%s: exits 64 with one line and starts nothing', (name, message) =>
    refused(path.join(dir, name), message),
  );
});
