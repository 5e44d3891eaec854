import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trustedFolder, untrustedFolder } from './trusted-folder';

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
