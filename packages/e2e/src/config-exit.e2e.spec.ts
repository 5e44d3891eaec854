import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VITALS_BIN } from './vitals-binary.test-util';

// A bad configuration is bad input: every command that loads it exits 64 (EX_USAGE) with one
// line naming the source and the key, and no stack, as a bad flag does. `vitals config check`
// keeps its own contract: it reports and exits 1.

/** The real binary from `cwd`, with PATH and `env` only. */
function vitals(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [VITALS_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: cwd, ...env },
    timeout: 60_000,
  });
  return { code: result.status, signal: result.signal, out: result.stdout, err: result.stderr };
}

/** The one line on stderr, after checking there is exactly one and no stack trace. */
function oneLine(r: { out: string; err: string }): string {
  expect(r.out + r.err).not.toMatch(/\n\s+at /);
  const lines = r.err.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

const PLUGINS = ['monitor', 'memory', 'process', 'diagnostics', 'prometheus', 'startup'];
let dir: string;
const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-config-exit-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vitals with a bad configuration', () => {
  it.each<[string, string[]]>([
    ['start', ['start']],
    ['run', ['run', '--', process.execPath, '-e', '1']],
    ['diagnose', ['diagnose', '--json']],
    ['monitor', ['monitor', '--once']],
    ['ps', ['ps']],
    ['rules export', ['rules', 'export']],
    ['--help', ['--help']],
  ])('%s: an out-of-range value in the file exits 64 with one line', (_, args) => {
    write('vitals.config.json', JSON.stringify({ plugins: PLUGINS, monitor: { intervalMs: -5 } }));
    const r = vitals(args, dir);
    expect(r.code).toBe(64);
    expect(oneLine(r)).toMatch(/^vitals: vitals\.config\.json: monitor\.intervalMs .*\(got -5\)$/);
  });

  it('start: an out-of-range VITALS_* variable exits 64 naming the variable', () => {
    const r = vitals(['start'], dir, {
      VITALS_PLUGINS: 'monitor',
      VITALS_MONITOR__INTERVAL_MS: '-5',
    });
    expect(r.code).toBe(64);
    expect(oneLine(r)).toMatch(/^vitals: VITALS_MONITOR__INTERVAL_MS: monitor\.intervalMs .*-5/);
  });

  it('run: an out-of-range VITALS_HTTP__PORT exits 64 and starts no child', () => {
    const marker = path.join(dir, 'child-ran');
    const r = vitals(
      [
        'run',
        '--',
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      dir,
      { VITALS_PLUGINS: 'process,startup', VITALS_HTTP__PORT: '70000' },
    );
    expect(r.code).toBe(64);
    expect(oneLine(r)).toMatch(/^vitals: VITALS_HTTP__PORT: http\.port .*70000/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('start -c with a file that does not exist exits 64', () => {
    const r = vitals(['-c', 'nope.json', 'start'], dir);
    expect(r.code).toBe(64);
    expect(oneLine(r)).toBe(
      `vitals: nope.json: no such file (looked at ${path.join(dir, 'nope.json')})`,
    );
  });

  it('start with VITALS_CONFIG naming a file that does not exist exits 64', () => {
    const r = vitals(['start'], dir, { VITALS_CONFIG: path.join(dir, 'gone.json') });
    expect(r.code).toBe(64);
    expect(oneLine(r)).toMatch(/^vitals: gone\.json: no such file/);
  });

  it('start with invalid JSON exits 64 saying how to fix it', () => {
    write('vitals.config.json', '{ "monitor": { "intervalMs": 5000, } }');
    const r = vitals(['start'], dir);
    expect(r.code).toBe(64);
    expect(oneLine(r)).toMatch(
      /^vitals: vitals\.config\.json: invalid JSON \(.*\); fix the syntax and try again$/,
    );
  });

  it('start with an unknown VITALS_LOG_FORMAT exits 64', () => {
    const r = vitals(['start'], dir, { VITALS_PLUGINS: 'monitor', VITALS_LOG_FORMAT: 'xml' });
    expect(r.code).toBe(64);
    expect(oneLine(r)).toBe(
      'vitals: VITALS_LOG_FORMAT "xml" is not a log format; set json, pretty or auto, or unset it',
    );
  });

  it('an unknown top-level VITALS_* variable is a warning, and the command runs', () => {
    const r = vitals(['monitor', '--once'], dir, {
      VITALS_PLUGINS: 'monitor',
      VITALS_NO_SUCH_SETTING: '1',
    });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/VITALS_NO_SUCH_SETTING: noSuchSetting matches no installed plugin/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(JSON.parse(r.out.trim())).toBeInstanceOf(Object);
  });

  it('config check keeps its contract: the problem on stdout, exit 1', () => {
    write('vitals.config.json', JSON.stringify({ plugins: PLUGINS, monitor: { intervalMs: -5 } }));
    const bad = vitals(['config', 'check'], dir);
    expect(bad.code).toBe(1);
    expect(bad.out.trim().split('\n')).toEqual([
      expect.stringMatching(/^vitals\.config\.json: monitor\.intervalMs .*\(got -5\)$/),
    ]);
    const missing = vitals(['config', 'check', 'nope.json'], dir);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/^nope\.json: no such file/);
  });
});
