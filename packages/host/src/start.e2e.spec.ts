import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Runs the real `vitals` binary (built dist) as a user would, and stops it with a real signal.
const BIN = path.resolve(__dirname, '../bin/vitals.js');

describe('vitals start (real process)', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-start-'));
  });
  afterEach(() => {
    // A failed or timed-out test must not leave the host running (nor keep jest waiting on it).
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs until SIGTERM, then stops every plugin and exits 0', async () => {
    fs.writeFileSync(
      path.join(dir, 'vitals.config.json'),
      JSON.stringify({
        http: { port: 0 },
        log: { level: 'info' },
        // Node has more than one thread; fire at once so the log shows a real alert.
        thresholds: { threads: 1 },
        monitor: { intervalMs: 200, alerts: { rules: { threads: { for: 0 } } } },
      }),
    );
    const proc = spawn(process.execPath, [BIN, 'start'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
    });
    child = proc;
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes('vitals host running') && out.includes('ALERT ')) resolve();
      };
      proc.stdout.on('data', check);
      proc.on('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    proc.removeAllListeners('exit');
    const exited = new Promise<number | null>((resolve) =>
      proc.on('exit', (code) => resolve(code)),
    );
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; plugins?: string[] });
    expect(lines.find((l) => l.msg.startsWith('vitals host running'))?.plugins).toContain(
      'monitor',
    );
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['stopping (SIGTERM)', 'stopped']),
    );
  });
});
