import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTrustedFolder, trustedFolder, untrustedFolder } from './trusted-folder';

// chown to user nobody (65534) needs root, as CI has.
describe('untrustedFolder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-trust-')));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trusts a folder of ours, and a sticky one others can write (as /tmp)', () => {
    expect(untrustedFolder(dir, 0)).toBeUndefined();
    const sticky = path.join(dir, 'shared');
    fs.mkdirSync(sticky);
    fs.chmodSync(sticky, 0o1777);
    expect(untrustedFolder(sticky, 0)).toBeUndefined();
    expect(trustedFolder(sticky, 0)).toBe(sticky);
  });

  it('refuses a folder others can write without the sticky bit, or one below it', () => {
    const open = path.join(dir, 'open');
    fs.mkdirSync(path.join(open, 'logs'), { recursive: true });
    fs.chmodSync(open, 0o777);
    expect(untrustedFolder(open, 0)).toBe(`is in a folder other users can write (${open})`);
    expect(untrustedFolder(path.join(open, 'logs'), 0)).toMatch(/other users can write/);
    fs.chmodSync(open, 0o775);
    fs.chownSync(open, 0, 100);
    expect(untrustedFolder(open, 0)).toMatch(/other users can write/);
    // A folder of a trusted group (Ubuntu's /var/log is root:syslog 0775), when the caller says so.
    expect(untrustedFolder(open, 0, { groupWritable: true })).toBeUndefined();
    fs.chmodSync(open, 0o777);
    expect(untrustedFolder(open, 0, { groupWritable: true })).toMatch(/other users can write/);
  });

  it('refuses a folder another user owns', () => {
    const theirs = path.join(dir, 'theirs');
    fs.mkdirSync(theirs);
    fs.chownSync(theirs, 65534, 65534);
    expect(untrustedFolder(theirs, 0)).toBe(`is in a folder owned by uid 65534 (${theirs})`);
    // Their own folder is theirs to trust.
    expect(untrustedFolder(theirs, 65534)).toBeUndefined();
  });

  it("refuses a link another user owns on the way, and a trusted link's target others control", () => {
    const target = path.join(dir, 'etc');
    fs.mkdirSync(target);
    const link = path.join(dir, 'logs');
    fs.symlinkSync(target, link);
    // Ours, to a folder of ours: trusted, and the caller gets the folder it leads to.
    expect(trustedFolder(link, 0)).toBe(target);
    fs.lchownSync(link, 65534, 65534);
    expect(untrustedFolder(link, 0)).toBe(`goes through a link owned by uid 65534 (${link})`);
    expect(() => trustedFolder(link, 0)).toThrow(
      expect.objectContaining({ code: 'EUNTRUSTED', message: expect.stringContaining(link) }),
    );
    fs.lchownSync(link, 0, 0);
    fs.chmodSync(target, 0o777);
    expect(untrustedFolder(link, 0)).toBe(`is in a folder other users can write (${target})`);
  });
});

describe('makeTrustedFolder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-make-')));
    fs.chmodSync(dir, 0o755);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes each missing folder with the mode asked, and returns it resolved', () => {
    const want = path.join(dir, 'a', 'b', 'c');
    expect(makeTrustedFolder(want, 0, { mode: 0o700 })).toBe(want);
    for (const d of ['a', 'a/b', 'a/b/c'])
      expect(fs.lstatSync(path.join(dir, d)).mode & 0o777).toBe(0o700);
    // Already there: checked and returned, nothing changed.
    expect(makeTrustedFolder(want, 0)).toBe(want);
    // Below a sticky folder others can write (as /tmp), like any mkdir -p.
    const tmp = path.join(dir, 'tmp');
    fs.mkdirSync(tmp);
    fs.chmodSync(tmp, 0o1777);
    expect(makeTrustedFolder(path.join(tmp, 'vitals-0'), 0)).toBe(path.join(tmp, 'vitals-0'));
  });

  it("creates nothing where another user's link leads (a recursive mkdir would create etc/x/y)", () => {
    const etc = path.join(dir, 'etc');
    fs.mkdirSync(etc);
    const link = path.join(dir, 'tmp-x');
    fs.symlinkSync(etc, link);
    fs.lchownSync(link, 65534, 65534);
    const want = path.join(link, 'x', 'y');
    expect(() => makeTrustedFolder(want, 0, { mode: 0o700 })).toThrow(
      expect.objectContaining({
        code: 'EUNTRUSTED',
        reason: `goes through a link owned by uid 65534 (${link})`,
        message: `${want} goes through a link owned by uid 65534 (${link})`,
      }),
    );
    expect(fs.readdirSync(etc)).toEqual([]);
    // Dangling (its target not made yet): refused the same, and the target still not made.
    fs.rmSync(etc, { recursive: true });
    expect(() => makeTrustedFolder(want, 0)).toThrow(/link owned by uid 65534/);
    expect(fs.existsSync(etc)).toBe(false);
  });

  it('creates nothing below a folder others can write or another user owns, however deep', () => {
    const open = path.join(dir, 'open');
    fs.mkdirSync(path.join(open, 'locks'), { recursive: true });
    fs.chmodSync(open, 0o777);
    // The last folder is fine (root's, 0755): the one above it is not, so it could be swapped.
    expect(() => makeTrustedFolder(path.join(open, 'locks', 'new'), 0)).toThrow(
      `is in a folder other users can write (${open})`,
    );
    expect(fs.readdirSync(path.join(open, 'locks'))).toEqual([]);
    const theirs = path.join(dir, 'theirs');
    fs.mkdirSync(theirs);
    fs.chownSync(theirs, 65534, 65534);
    expect(() => makeTrustedFolder(path.join(theirs, 'x'), 0)).toThrow(
      expect.objectContaining({
        code: 'EUNTRUSTED',
        reason: `is in a folder owned by uid 65534 (${theirs})`,
      }),
    );
    expect(fs.readdirSync(theirs)).toEqual([]);
  });

  it('says ENOTDIR for a file on the way or at the name', () => {
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    expect(() => makeTrustedFolder(file, 0)).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeTrustedFolder(path.join(file, 'x', 'y'), 0)).toThrow(
      expect.objectContaining({
        code: 'ENOTDIR',
        reason: `goes through ${file}, which is not a folder`,
      }),
    );
    // A device others can write is not a folder, before it is anything else.
    expect(() => makeTrustedFolder('/dev/null', 0)).toThrow(
      expect.objectContaining({ code: 'ENOTDIR', message: '/dev/null is not a folder' }),
    );
  });

  it('says ENOTDIR for a link of ours to a device or a file, to nothing, or in a loop; whose link first', () => {
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    const cases: [string, string][] = [
      ['to-null', '/dev/null'],
      ['to-file', file],
      ['to-nothing', path.join(dir, 'nothing')],
      ['loop-a', path.join(dir, 'loop-b')],
    ];
    fs.symlinkSync(path.join(dir, 'loop-a'), path.join(dir, 'loop-b'));
    for (const [name, to] of cases) {
      const link = path.join(dir, name);
      fs.symlinkSync(to, link);
      // Before: "is in a folder other users can write (/dev/null)", ENOTDIR or ENOENT unnamed.
      expect(() => makeTrustedFolder(link, 0)).toThrow(
        expect.objectContaining({
          code: 'ENOTDIR',
          reason: `is a link to ${to}, which is not a folder`,
        }),
      );
      expect(() => makeTrustedFolder(path.join(link, 'sub'), 0)).toThrow(
        expect.objectContaining({
          code: 'ENOTDIR',
          reason: `goes through ${link}, a link to ${to}, which is not a folder`,
        }),
      );
    }
    expect(fs.existsSync(path.join(dir, 'nothing'))).toBe(false);
    // Another user's link is refused for whose it is, wherever it leads.
    const theirs = path.join(dir, 'theirs');
    fs.symlinkSync('/dev/null', theirs);
    fs.lchownSync(theirs, 65534, 65534);
    expect(() => makeTrustedFolder(path.join(theirs, 'sub'), 0)).toThrow(
      expect.objectContaining({
        code: 'EUNTRUSTED',
        reason: `goes through a link owned by uid 65534 (${theirs})`,
      }),
    );
  });
});
