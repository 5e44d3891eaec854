import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditPermissions } from './permission.auditor';
import { fixPermissions } from './permission.fixer';

// As root, the files are handed to an ordinary uid so that the owner bits matter.
const uid = process.geteuid!() === 0 ? 54321 : process.geteuid!();
const modeOf = (path: string): number => statSync(path).mode & 0o7777;

describe('auditPermissions', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-perms-'));
    writeFileSync(join(dir, '.env'), 'KEY=1');
    chmodSync(join(dir, '.env'), 0o644);
    writeFileSync(join(dir, 'key.pem'), 'k');
    chmodSync(join(dir, 'key.pem'), 0o400);
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'state.json'), '{}');
    chmodSync(join(dir, 'data', 'state.json'), 0o666);
    mkdirSync(join(dir, 'logs'));
    chmodSync(join(dir, 'logs'), 0o555);
    if (process.geteuid!() === 0) {
      for (const p of ['', '.env', 'key.pem', 'data', 'data/state.json', 'logs'])
        chownSync(join(dir, p), uid, uid);
    }
  });
  afterEach(() => {
    chmodSync(join(dir, 'logs'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  const paths = { secrets: ['.env', 'key.pem', 'gone.key'], dataDirs: ['data'], logDirs: ['logs'] };

  it('reports each problem with the mode it has and the mode it should have', () => {
    const problems = auditPermissions(paths, { cwd: dir, uid });

    expect(
      problems.map((p) => [p.path.slice(dir.length + 1), p.problem, p.mode, p.expectedMode]),
    ).toEqual([
      ['.env', 'readable-by-others', 0o644, 0o600],
      ['gone.key', 'missing', undefined, undefined],
      ['data/state.json', 'world-writable', 0o666, 0o664],
      ['logs', 'not-writable', 0o555, 0o755],
    ]);
    expect(problems[0].message).toBe(
      `${join(dir, '.env')}: secret is 0644, should be 0600 (owner only)`,
    );
  });

  it('fixes the modes when asked, after which the audit finds only what chmod cannot fix', () => {
    const fixes = fixPermissions(auditPermissions(paths, { cwd: dir, uid }));

    expect(fixes.every((f) => f.ok)).toBe(true);
    expect(modeOf(join(dir, '.env'))).toBe(0o600);
    expect(modeOf(join(dir, 'data', 'state.json'))).toBe(0o664);
    expect(auditPermissions(paths, { cwd: dir, uid }).map((p) => p.problem)).toEqual(['missing']);
  });

  it('merges two fixes of one folder into one chmod that fixes both', () => {
    chmodSync(join(dir, 'logs'), 0o557); // not writable by its owner AND world-writable
    const problems = auditPermissions({ logDirs: ['logs'] }, { cwd: dir, uid });
    expect(problems.map((p) => [p.problem, p.expectedMode])).toEqual([
      ['not-writable', 0o757],
      ['world-writable', 0o555],
    ]);
    const fixes = fixPermissions(problems);
    expect(fixes.map((f) => [f.from, f.to])).toEqual([[0o557, 0o755]]);
    expect(modeOf(join(dir, 'logs'))).toBe(0o755);
    expect(auditPermissions({ logDirs: ['logs'] }, { cwd: dir, uid })).toEqual([]);
  });

  it('reports a secret owned by another user as needing chown', () => {
    const problems = auditPermissions({ secrets: ['key.pem'] }, { cwd: dir, uid: uid + 1 });

    expect(problems.map((p) => p.problem)).toEqual(['wrong-owner']);
    expect(problems[0].expectedMode).toBeUndefined();
    expect(problems[0].message).toContain('chown');
  });
});
