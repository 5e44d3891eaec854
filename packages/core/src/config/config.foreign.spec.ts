import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from './config.loader';

// Issue 11: root running `vitals` in another user's folder ran that user's vitals.config.js.
// These tests chown files to user nobody (65534): they need root, as CI has.
describe('a vitals.config.js from someone else', () => {
  let dir: string;
  const marker = () => path.join(dir, 'ran');
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-foreign-'));
    fs.writeFileSync(
      path.join(dir, 'vitals.config.js'),
      `require('node:fs').writeFileSync(${JSON.stringify(path.join(dir, 'ran'))}, 'x'); module.exports = { startTimeoutMs: 1000 };`,
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is refused when found in the current folder and owned by another user; its code never runs', () => {
    fs.chownSync(path.join(dir, 'vitals.config.js'), 65534, 65534);
    expect(() => loadConfig({ cwd: dir })).toThrow(
      /vitals\.config\.js in .* is owned by uid 65534, not by you \(uid 0\); it is code and would run as you: name it with -c/,
    );
    expect(fs.existsSync(marker())).toBe(false);
  });

  it('is refused when group or others can write it, or when it is a link', () => {
    fs.chmodSync(path.join(dir, 'vitals.config.js'), 0o666);
    expect(() => loadConfig({ cwd: dir })).toThrow(/can be written by other users/);
    fs.chmodSync(path.join(dir, 'vitals.config.js'), 0o644);
    fs.renameSync(path.join(dir, 'vitals.config.js'), path.join(dir, 'real.js'));
    fs.symlinkSync(path.join(dir, 'real.js'), path.join(dir, 'vitals.config.js'));
    expect(() => loadConfig({ cwd: dir })).toThrow(/is a symbolic link/);
    expect(fs.existsSync(marker())).toBe(false);
  });

  it('is refused when ours but in a folder another user owns or can write: they could swap it', () => {
    const sub = path.join(dir, 'proj');
    fs.mkdirSync(sub);
    fs.renameSync(path.join(dir, 'vitals.config.js'), path.join(sub, 'vitals.config.js'));
    fs.chownSync(sub, 65534, 65534);
    expect(() => loadConfig({ cwd: sub })).toThrow(
      /vitals\.config\.js in .*proj is in a folder owned by uid 65534 \(.*proj\), who could replace it; it is code and would run as you: name it with -c/,
    );
    fs.chownSync(sub, 0, 0);
    fs.chmodSync(sub, 0o777);
    expect(() => loadConfig({ cwd: sub })).toThrow(/is in a folder other users can write/);
    fs.chmodSync(sub, 0o1777); // sticky, as /tmp: others cannot rename our file away
    expect(loadConfig({ cwd: sub }).values).toEqual({ startTimeoutMs: 1000 });
    // A folder above counts too: whoever owns it can rename ours away.
    fs.chmodSync(sub, 0o755);
    fs.chownSync(dir, 65534, 65534);
    expect(() => loadConfig({ cwd: sub })).toThrow(/in a folder owned by uid 65534/);
    fs.chownSync(dir, 0, 0);
  });

  it('is loaded when named explicitly with -c (the user vouches for it), or when it is ours', () => {
    fs.chownSync(path.join(dir, 'vitals.config.js'), 65534, 65534);
    expect(loadConfig({ cwd: dir, file: 'vitals.config.js' }).values).toEqual({
      startTimeoutMs: 1000,
    });
    expect(fs.existsSync(marker())).toBe(true);
    fs.chownSync(path.join(dir, 'vitals.config.js'), process.geteuid!(), 0);
    expect(loadConfig({ cwd: dir, uid: process.geteuid!() }).file).toBe(
      path.join(dir, 'vitals.config.js'),
    );
  });

  it('a JSON config (data, not code) of another user is still read', () => {
    fs.rmSync(path.join(dir, 'vitals.config.js'));
    fs.writeFileSync(path.join(dir, 'vitals.config.json'), '{"startTimeoutMs": 2000}');
    fs.chownSync(path.join(dir, 'vitals.config.json'), 65534, 65534);
    expect(loadConfig({ cwd: dir }).values).toEqual({ startTimeoutMs: 2000 });
  });
});
