import { linkSync, lstatSync, unlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { makeTrustedFolder } from '@vitals/core';
import type { UntrustedFolderError } from '@vitals/core';
import { processErrors } from '../process.errors';

const euid = (): number => process.geteuid?.() ?? 0;

/**
 * Makes the lock folder when missing (0700, each missing folder checked before the next is made
 * in it) and checks the whole path with core's `makeTrustedFolder`, links not followed blindly:
 * every folder on it must belong to the user running Vitals or to root and not be writable by
 * group or others unless sticky (`/tmp`, `/run/lock`, where nobody can delete or rename another
 * user's file), and a link on it must belong to the user or root. So a folder another user
 * created first at our path (issue 11: they deleted root's lock and a second copy ran), a link
 * they planted on the way (root would make folders where it leads), or a folder above ours that
 * they can write (they could swap ours) is refused, and nothing is created through it.
 * @returns the folder with links resolved: the lock files go there, where it was checked.
 * @throws VitalsError `ERR_LOCK_DIR` naming the folder and what is wrong with it (not a folder,
 *   another user's, writable by others), `ERR_LOCK_IO` when it cannot be made (EACCES).
 */
export function prepareLockDir(dir: string): string {
  try {
    return makeTrustedFolder(dir, euid(), { mode: 0o700 });
  } catch (error) {
    const e = error as UntrustedFolderError | NodeJS.ErrnoException;
    if (e.code === 'EUNTRUSTED')
      throw processErrors.lockDirUnsafe(dir, (e as UntrustedFolderError).reason);
    if (e.code === 'ENOTDIR' && 'reason' in e)
      throw processErrors.lockDirNotFolder(dir, (e as { reason: string }).reason);
    throw processErrors.lockIo(dir, error);
  }
}

/**
 * The rule for a lock file another user owns (only possible in a shared sticky folder, such as
 * `/tmp`): it is never honoured, whatever pid it names, so a planted lock cannot block the
 * service. It is removed when we can (root can in a sticky folder; the check that it is still
 * the same inode runs under a hard-link marker, as a takeover does); when we cannot (an ordinary
 * user in a sticky folder), the error says at once who owns it and where to lock instead:
 * acquiring never waits on it.
 * @returns true when `path` held a foreign file (now removed), false when it is ours or gone.
 * @throws VitalsError `ERR_LOCK_IO` when a foreign file cannot be removed.
 */
export function removeForeignLock(path: string): boolean {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return false;
  }
  if (st.isFile() && st.uid === euid()) return false;
  const marker = `${path}.takeover`;
  try {
    linkSync(path, marker);
    const held = lstatSync(marker);
    if (held.ino === st.ino && held.dev === st.dev) unlinkSync(path);
    unlinkSync(marker);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return true;
    if (code === 'EEXIST') return false; // someone is taking it over: the caller retries
    throw processErrors.lockForeign(path, st.uid, error);
  }
  return true;
}
