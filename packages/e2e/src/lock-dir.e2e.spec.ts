import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VITALS_BIN } from './vitals-binary.test-util';

// A lock folder that is not a folder is a bad flag value: one line naming it, exit 64 (EX_USAGE),
// and no child started. Before: exit 1, and `/dev/null` read "is in a folder other users can
// write" (the folder rule judged the device by its mode).

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-lock-dir-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vitals run --lock-dir', () => {
  it.each<[string, (dir: string) => string, RegExp]>([
    ['/dev/null', () => '/dev/null', /the lock folder \/dev\/null is not a folder: set/],
    ['a file', (d) => path.join(d, 'afile'), /the lock folder \S+afile is not a folder: set/],
    [
      'a folder under a file',
      (d) => path.join(d, 'afile', 'sub'),
      /the lock folder \S+afile\/sub goes through \S+afile, which is not a folder: set/,
    ],
  ])('%s: exits 64 with one line and starts nothing', (_, lockDir, message) => {
    fs.writeFileSync(path.join(dir, 'afile'), 'data');
    const marker = path.join(dir, 'started');
    const r = spawnSync(
      process.execPath,
      [
        VITALS_BIN,
        'run',
        '--name',
        'bot',
        '--lock-dir',
        lockDir(dir),
        '--',
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 },
    );
    expect(r.status).toBe(64);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('vitals run: '))).toEqual([
      expect.stringMatching(message),
    ]);
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'afile'), 'utf8')).toBe('data');
  });
});
