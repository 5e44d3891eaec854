import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VITALS_BIN } from './vitals-binary.test-util';

// Configs that cannot be read as data, and a `plugins` value that is not a list of names, are bad
// input like invalid JSON: exit 64 with one line naming the file or variable, no stack (they were
// exit 1 with a raw "EISDIR: illegal operation on a directory, read", "EACCES: permission
// denied", "Maximum call stack size exceeded", "number 5 is not iterable" or "id.startsWith is
// not a function"; a named pipe hung for ever). `vitals config check` prints the same line on
// stdout and exits 1. The unreadable file needs root (as CI has) to run as nobody.

const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

function vitals(args: string[], cwd: string, env: Record<string, string> = {}, asNobody = false) {
  const [cmd, ...pre] = asNobody ? [...AS_NOBODY, process.execPath] : [process.execPath];
  const r = spawnSync(cmd, [...pre, VITALS_BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: cwd, ...env },
    timeout: 60_000,
  });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-config-unreadable-'));
  fs.chmodSync(dir, 0o755);
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  fs.mkdirSync(path.join(dir, 'folder.json'));
  write('secret.json', '{}');
  fs.chmodSync(path.join(dir, 'secret.json'), 0o600);
  write('deep.json', `{"zzz":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`);
  write('plugins-number.json', '{"plugins":5}');
  write('plugins-string.json', '{"plugins":"monitor,process"}');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const CASES: [string, string[], Record<string, string>, boolean, RegExp][] = [
  ['a folder', ['-c', 'folder.json'], {}, false, /^folder\.json: not a regular file/],
  ['a file nobody may read', ['-c', 'secret.json'], {}, true, /^secret\.json: cannot be read/],
  ['JSON 5,000 levels deep', ['-c', 'deep.json'], {}, false, /^deep\.json: nested deeper/],
  ['"plugins": 5', ['-c', 'plugins-number.json'], {}, false, /^plugins-number\.json: plugins/],
  ['"plugins": "a,b"', ['-c', 'plugins-string.json'], {}, false, /^plugins-string\.json: plugins/],
  ['VITALS_PLUGINS=[5]', [], { VITALS_PLUGINS: '[5]' }, false, /^VITALS_PLUGINS: plugins/],
  ['VITALS_PLUGINS=[null]', [], { VITALS_PLUGINS: '[null]' }, false, /^VITALS_PLUGINS: plugins/],
];

describe('vitals with a config it cannot read as data', () => {
  it.each(CASES)('%s: ps exits 64 with one line', (_, flags, env, asNobody, line) => {
    const r = vitals([...flags, 'ps'], dir, env, asNobody);
    expect(r.out + r.err).not.toMatch(/\n\s+at /);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^vitals: /)]);
    expect(r.err.trim().slice('vitals: '.length)).toMatch(line);
    expect(r.code).toBe(64);
  });

  it.each(CASES)(
    '%s: config check prints it on stdout and exits 1',
    (_, flags, env, asNobody, line) => {
      const r = vitals(['config', 'check', ...flags], dir, env, asNobody);
      expect(r.err).toBe('');
      expect(r.out.trim().split('\n')).toEqual([expect.stringMatching(line)]);
      expect(r.code).toBe(1);
    },
  );

  it('a named pipe is refused at once, not read (a read waits for a writer for ever)', async () => {
    const pipe = path.join(dir, 'pipe.json');
    spawnSync('mkfifo', [pipe]);
    // A writer after 3 s ends a read that would otherwise hang; the refusal comes long before.
    const writer = spawn('sh', ['-c', `sleep 3; echo '{}' > '${pipe}'`], { stdio: 'ignore' });
    try {
      const started = Date.now();
      const r = vitals(['-c', 'pipe.json', 'ps'], dir);
      expect(r.err).toBe('vitals: pipe.json: not a regular file (looked at ' + pipe + ')\n');
      expect(r.code).toBe(64);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      writer.kill('SIGKILL');
    }
  });
});
