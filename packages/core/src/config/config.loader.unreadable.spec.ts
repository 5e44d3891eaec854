import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { isVitalsError } from '../errors';
import { loadConfig } from './config.loader';

// A config that cannot be read as data is bad input like invalid JSON: one ERR_CONFIG_FILE (or,
// from a VITALS_* variable, ERR_CONFIG_INVALID) naming the source, never a raw EISDIR or a
// RangeError that the CLI reports as a failure (exit 1) instead of bad input (exit 64).

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-config-unreadable-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The error loadConfig throws, with its code and message. */
function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isVitalsError(error)) return { code: error.code, message: error.message };
    return { code: `not a VitalsError: ${String(error)}`, message: '' };
  }
  throw new Error('loadConfig did not throw');
}

const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('loadConfig with a file it cannot read as data', () => {
  it('a folder named like a config file', () => {
    fs.mkdirSync(path.join(dir, 'vitals.config.json'));
    const e = failure(() => loadConfig({ cwd: dir, file: 'vitals.config.json' }));
    expect(e.code).toBe('ERR_CONFIG_FILE');
    expect(e.message).toMatch(/^vitals\.config\.json: .*not a regular file/);
  });

  it('a named pipe (reading it would wait for a writer for ever)', () => {
    const pipe = path.join(dir, 'pipe.json');
    execFileSync('mkfifo', [pipe]);
    // A writer after 1 s, so that a read of the pipe ends (with '{}') instead of hanging the test.
    const writer = spawn('sh', ['-c', `sleep 1; echo '{}' > '${pipe}'`], { stdio: 'ignore' });
    try {
      const e = failure(() => loadConfig({ cwd: dir, file: 'pipe.json' }));
      expect(e.code).toBe('ERR_CONFIG_FILE');
      expect(e.message).toMatch(/^pipe\.json: .*not a regular file/);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it.each([100, 3000, 50_000])('JSON nested %i levels deep', (depth) => {
    fs.writeFileSync(path.join(dir, 'deep.json'), `{"zzz":${nested(depth)}}`);
    const e = failure(() => loadConfig({ cwd: dir, file: 'deep.json' }));
    expect(e.code).toBe('ERR_CONFIG_FILE');
    expect(e.message).toMatch(/^deep\.json: nested deeper than \d+ levels/);
  });

  it('a .js config whose value is not data (a function)', () => {
    fs.writeFileSync(
      path.join(dir, 'fn.js'),
      'module.exports = { monitor: { intervalMs: () => 1 } };',
    );
    const e = failure(() => loadConfig({ cwd: dir, file: 'fn.js' }));
    expect(e.code).toBe('ERR_CONFIG_FILE');
    expect(e.message).toMatch(/^fn\.js: .*not plain data/);
  });

  it('a .js config whose getter throws', () => {
    fs.writeFileSync(
      path.join(dir, 'getter.js'),
      'module.exports = { get monitor() { throw new Error("boom"); } };',
    );
    const e = failure(() => loadConfig({ cwd: dir, file: 'getter.js' }));
    expect(e.code).toBe('ERR_CONFIG_FILE');
    expect(e.message).toMatch(/^getter\.js: .*not plain data \(boom\)/);
  });

  it('a .js config that refers to itself', () => {
    fs.writeFileSync(
      path.join(dir, 'cycle.js'),
      'const c = { monitor: {} }; c.monitor.c = c; module.exports = c;',
    );
    const e = failure(() => loadConfig({ cwd: dir, file: 'cycle.js' }));
    expect(e.code).toBe('ERR_CONFIG_FILE');
    expect(e.message).toMatch(/^cycle\.js: nested deeper than \d+ levels/);
  });

  it('a VITALS_* value nested 30,000 levels deep names the variable', () => {
    const e = failure(() =>
      loadConfig({ cwd: dir, env: { VITALS_HTTP__HOST: '['.repeat(30_000) + ']'.repeat(30_000) } }),
    );
    expect(e.code).toBe('ERR_CONFIG_INVALID');
    expect(e.message).toMatch(/^VITALS_HTTP__HOST: nested deeper than \d+ levels/);
  });

  it('an ordinary nested config still loads (shared objects in a .js config too)', () => {
    fs.writeFileSync(
      path.join(dir, 'ok.js'),
      'const t = { warn: 0.8 }; module.exports = { monitor: { a: t, b: t }, x: ' +
        nested(20) +
        ' };',
    );
    const loaded = loadConfig({ cwd: dir, file: 'ok.js' });
    expect((loaded.values['monitor'] as { b: { warn: number } }).b.warn).toBe(0.8);
  });
});
