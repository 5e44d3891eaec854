import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The real binary as a user runs it, from a folder of their own, with every plugin installed.
const BIN = path.resolve(__dirname, '../../host/bin/vitals.js');

function vitals(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test' },
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('the vitals binary with every plugin', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-e2e-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists the commands of every installed plugin in --help', () => {
    const { code, out } = vitals(['--help'], dir);
    expect(code).toBe(0);
    for (const command of [
      'start',
      'diagnose',
      'monitor',
      'ps',
      'kill-duplicates',
      'services',
      'perms',
      'run',
      'heap snapshot',
      'heap diff',
      'config check',
    ]) {
      expect(out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(out).toContain(
      'Plugins loaded: monitor, memory, process, diagnostics, prometheus, startup',
    );
  });

  it('prints one JSON report from diagnose --json, with an exit code by severity', () => {
    const { code, out, err } = vitals(['diagnose', '--json'], dir);
    const report = JSON.parse(out) as {
      severity: string;
      findings: { check: string; severity: string }[];
    };
    expect({ ok: 0, info: 0, warning: 1, critical: 2 }[report.severity]).toBe(code);
    expect(report.findings.map((f) => f.check)).toEqual(
      expect.arrayContaining(['memory', 'duplicates', 'gc']),
    );
    expect(err).toBe('');
  });

  it('prints one JSON line from monitor --once when piped', () => {
    const { code, out } = vitals(['monitor', '--once'], dir);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toBeInstanceOf(Object);
  });

  it('reports a bad config value in one line before anything starts, exit 64', () => {
    fs.writeFileSync(
      path.join(dir, 'vitals.config.json'),
      JSON.stringify({ monitor: { intervalMs: 'fast' } }),
    );
    const { code, err } = vitals(['start'], dir);
    expect(code).toBe(64);
    expect(err.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^vitals: vitals\.config\.json: monitor\.intervalMs must be .* \(got "fast"\)$/,
      ),
    ]);
  });
});
