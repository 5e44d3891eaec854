import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// `vitals demo`, the whole tour, through the real binary: every step must work (exit 0) and say
// what it found. Its own deadline keeps it under five minutes.
const BIN = path.resolve(__dirname, '../../host/bin/vitals.js');

describe('vitals demo', () => {
  it('runs every step on the demo bot and exits 0', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-tour-'));
    try {
      const child = spawn(process.execPath, [BIN, 'demo'], {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' },
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(out).toMatch(/\[3\/6\] find a fast leak[^]*after \d+ s: .*leak.*demo-leak-/);
      expect(out).toMatch(/BookLevel: \+\d+ objects/);
      expect(out).toMatch(/kill-duplicates: ended \d+, kept \d+ \(running\)/);
      expect(out).toMatch(/started [2-9] times/);
      expect(out).toContain('All 6 steps worked');
      expect(code).toBe(0);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }, 320_000);
});
