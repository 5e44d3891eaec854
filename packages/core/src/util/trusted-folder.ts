import { lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** Options of {@link untrustedFolder}. */
export interface TrustOptions {
  /**
   * Trust folders their group can write, as the group is trusted (Ubuntu's `/var/log` is
   * `root:syslog 0775`). Only others' write permission then counts. @default false
   */
  readonly groupWritable?: boolean;
}

/**
 * Why a folder cannot be trusted with files written or read as `uid`, or undefined when it can.
 * Checked twice, links never trusted blindly:
 *
 * - along the path as given, without following links: a link on the way must belong to `uid` or
 *   root (whoever owns a link decides where it leads), and a folder on the way must belong to
 *   `uid` or root and not be writable by group or others unless sticky (they could swap what
 *   comes next);
 * - along the folder it resolves to (`realpath`), by the same folder rule, so a trusted link does
 *   not lead into a folder others control.
 *
 * Callers then use the resolved folder ({@link trustedFolder}) so that what they open is what was
 * checked. As git refuses a repository in a folder someone else owns, and logrotate a log folder
 * others can write.
 * @param dir - an existing folder.
 * @example untrustedFolder('/var/log/api', 0) // undefined, or 'is in a folder other users can write (/tmp/x)'
 */
export function untrustedFolder(
  dir: string,
  uid: number,
  options: TrustOptions = {},
): string | undefined {
  const writers = options.groupWritable ? 0o002 : 0o022;
  const given = resolve(dir);
  let at: string = sep;
  for (const part of ['', ...given.split(sep).filter(Boolean)]) {
    at = join(at, part);
    const st = lstatSync(at);
    if (st.isSymbolicLink()) {
      if (st.uid !== uid && st.uid !== 0)
        return `goes through a link owned by uid ${st.uid} (${at})`;
      continue;
    }
    const why = folderRule(at, st, uid, writers);
    if (why) return why;
  }
  for (let d = realpathSync(given); ; d = dirname(d)) {
    const why = folderRule(d, statSync(d), uid, writers);
    if (why) return why;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * `dir` resolved (links followed) once {@link untrustedFolder} found nothing wrong with it.
 * @throws Error saying why the folder cannot be trusted (`code` 'EUNTRUSTED'), or the file
 *   system's error (ENOENT, EACCES).
 */
export function trustedFolder(dir: string, uid: number, options: TrustOptions = {}): string {
  const why = untrustedFolder(dir, uid, options);
  if (why) {
    const error: NodeJS.ErrnoException = new Error(`${dir} ${why}`);
    error.code = 'EUNTRUSTED';
    throw error;
  }
  return realpathSync(dir);
}

function folderRule(
  d: string,
  st: { uid: number; mode: number },
  uid: number,
  writers: number,
): string | undefined {
  if (st.uid !== uid && st.uid !== 0) return `is in a folder owned by uid ${st.uid} (${d})`;
  if (st.mode & writers && !(st.mode & 0o1000))
    return `is in a folder other users can write (${d})`;
  return undefined;
}
