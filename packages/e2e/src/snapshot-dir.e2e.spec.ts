import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VITALS_BIN } from './vitals-binary.test-util';

// memory.snapshotOnLeak's folder is checked (and made, 0700) when the host starts, not when the
// plugin registers: every command builds the host, so `vitals --help`, `vitals ps` or
// `vitals config check` made the folder as a side effect, and failed (exit 64, or 1 for config
// check) for a user who cannot write where the shared config puts the snapshots. `vitals run`
// still refuses a bad folder before its child starts: one line, exit 64. (`vitals rules export`
// starts the host briefly, so it checks the folder as `vitals start` does.)

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-snapshot-dir-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const vitals = (args: string[]): ReturnType<typeof spawnSync> =>
  spawnSync(process.execPath, [VITALS_BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
    timeout: 60_000,
  });

/** `vitals run --snapshot-on-leak --snapshot-dir <snapshotDir> -- node -e <script>`. */
const runWith = (snapshotDir: string, script: string): ReturnType<typeof spawnSync> =>
  vitals([
    'run',
    '--name',
    'bot',
    '--lock-dir',
    path.join(dir, 'locks'),
    '--snapshot-on-leak',
    '--snapshot-dir',
    snapshotDir,
    '--',
    process.execPath,
    '-e',
    script,
  ]);

describe('memory.snapshotDir with snapshotOnLeak', () => {
  it.each(['--help', 'config check'])(
    'vitals %s neither makes the folder nor fails on it',
    (command) => {
      const args = command.split(' ');
      const snaps = path.join(dir, 'snaps', 'deep');
      fs.writeFileSync(
        path.join(dir, 'vitals.config.json'),
        JSON.stringify({ memory: { snapshotOnLeak: true, snapshotDir: snaps } }),
      );
      const r = vitals(args);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      expect(fs.existsSync(path.join(dir, 'snaps'))).toBe(false);
    },
  );

  it('vitals ps does not fail on a folder it cannot use', () => {
    fs.writeFileSync(path.join(dir, 'afile'), 'data');
    fs.writeFileSync(
      path.join(dir, 'vitals.config.json'),
      JSON.stringify({
        memory: { snapshotOnLeak: true, snapshotDir: path.join(dir, 'afile', 'snaps') },
      }),
    );
    const r = vitals(['ps']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('vitals run refuses a folder under a file with one line, exit 64, no child', () => {
    fs.writeFileSync(path.join(dir, 'afile'), 'data');
    const marker = path.join(dir, 'started');
    const r = runWith(
      path.join(dir, 'afile', 'snaps'),
      `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
    );
    expect(r.status).toBe(64);
    const lines = String(r.stderr)
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('vitals run: '));
    expect(lines).toEqual([
      expect.stringMatching(
        /^vitals: memory\.snapshotDir \(--snapshot-dir\): heap snapshot refused: \S+afile\/snaps goes through \S+afile, which is not a folder; /,
      ),
    ]);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('vitals run makes a missing folder 0700 before the child starts', () => {
    const snaps = path.join(dir, 'snaps', 'deep');
    const r = runWith(
      snaps,
      `process.exit(require('fs').statSync(${JSON.stringify(snaps)}).isDirectory() ? 0 : 3)`,
    );
    expect(r.status).toBe(0);
    expect(fs.statSync(snaps).mode & 0o777).toBe(0o700);
  });
});
