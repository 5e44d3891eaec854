import { linkSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { processErrors } from '../process.errors';

const euid = (): number => process.geteuid?.() ?? 0;

/**
 * Creates the lock folder (0700) when missing and checks the folder it will trust, links not
 * followed: it must be a real folder (not a link), owned by the user running Vitals or by root,
 * and not writable by group or others unless it has the sticky bit (`/tmp`, `/run/lock`), where
 * nobody can delete or rename another user's file. A folder another user created first at our
 * path (issue 11: they deleted root's lock and a second copy ran) is refused.
 * @throws VitalsError `ERR_LOCK_IO` naming the folder and what is wrong with it.
 */
export function prepareLockDir(dir: string): void {
  let st: Stats;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    st = lstatSync(dir);
  } catch (error) {
    throw processErrors.lockIo(dir, error);
  }
  if (!st.isDirectory()) throw processErrors.lockDirUnsafe(dir, 'is not a folder (a link?)');
  if (st.uid !== euid() && st.uid !== 0)
    throw processErrors.lockDirUnsafe(dir, `is owned by uid ${st.uid}, not by you (uid ${euid()})`);
  if (st.mode & 0o022 && !(st.mode & 0o1000))
    throw processErrors.lockDirUnsafe(
      dir,
      st.mode & 0o002 ? 'is writable by every user' : 'is writable by its group',
    );
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
