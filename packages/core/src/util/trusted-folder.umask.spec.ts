import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTrustedFolder } from './trusted-folder';

// Under umask 000 (a container or a unit with UMask=0000), `mkdir -p` with mode 0777 makes
// folders every user can write: makeTrustedFolder then refused the folder it had just made
// ("is in a folder other users can write"), and left it behind, world-writable, so that every
// later run failed too (`vitals run --log-file /var/log/app/out.log` exited 64 for good). The
// folders it makes must pass its own rule whatever the umask.

const uid = process.geteuid?.() ?? 0;
let base: string;
let umask: number;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'vitals-trusted-umask-'));
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
  rmSync(base, { recursive: true, force: true });
});

const mode = (dir: string) => statSync(dir).mode & 0o7777;

describe('makeTrustedFolder under umask 000', () => {
  it('makes folders that neither group nor others can write, and trusts them', () => {
    const made = makeTrustedFolder(join(base, 'a', 'b'), uid);
    expect(made).toBe(join(base, 'a', 'b'));
    expect(mode(join(base, 'a'))).toBe(0o755);
    expect(mode(join(base, 'a', 'b'))).toBe(0o755);
    // A second run finds them as it left them.
    expect(makeTrustedFolder(join(base, 'a', 'b'), uid)).toBe(made);
  });

  it('with groupWritable (a log folder) too: what it makes suits the stricter rule as well', () => {
    makeTrustedFolder(join(base, 'shared', 'logs'), uid, { groupWritable: true });
    expect(mode(join(base, 'shared'))).toBe(0o755);
    // A lock folder (group write not trusted) made later beside it, in the parent it made.
    expect(makeTrustedFolder(join(base, 'shared', 'lock'), uid, { mode: 0o700 })).toBe(
      join(base, 'shared', 'lock'),
    );
  });

  it('an explicit mode keeps its own bits but never others write', () => {
    makeTrustedFolder(join(base, 'private'), uid, { mode: 0o777 });
    expect(mode(join(base, 'private'))).toBe(0o755);
    makeTrustedFolder(join(base, 'locks'), uid, { mode: 0o700 });
    expect(mode(join(base, 'locks'))).toBe(0o700);
  });
});
