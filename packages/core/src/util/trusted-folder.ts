import type { Stats } from 'node:fs';
import { lstatSync, mkdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';

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
  const why = untrustedPath(given, uid, writers);
  if (why) return why;
  for (let d = realpathSync(given); ; d = dirname(d)) {
    const why = folderRule(d, statSync(d), uid, writers);
    if (why) return why;
    if (dirname(d) === d) return undefined;
  }
}

/** The first check of {@link untrustedFolder}: along `given` as written, links not followed. */
function untrustedPath(given: string, uid: number, writers: number): string | undefined {
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
  return undefined;
}

/**
 * `dir` resolved (links followed) once {@link untrustedFolder} found nothing wrong with it.
 * @throws {@link UntrustedFolderError} saying why the folder cannot be trusted (`code`
 *   'EUNTRUSTED'), or the file system's error (ENOENT, EACCES).
 */
export function trustedFolder(dir: string, uid: number, options: TrustOptions = {}): string {
  return checked(dir, dir, uid, options);
}

/** Options of {@link makeTrustedFolder}. */
export interface MakeFolderOptions extends TrustOptions {
  /**
   * Mode of each folder created, before the umask, less group's and others' write bits, which
   * the trust rule refuses (under umask 000 a folder made 0777 was refused as soon as it was
   * made, and left behind world-writable). @default 0o777 (then the umask decides, as mkdir -p)
   */
  readonly mode?: number;
}

/** Thrown by {@link trustedFolder} and {@link makeTrustedFolder} with `code` 'EUNTRUSTED'. */
export interface UntrustedFolderError extends NodeJS.ErrnoException {
  readonly code: 'EUNTRUSTED';
  /** What is wrong, without the folder's name: `goes through a link owned by uid 65534 (/tmp/x)`. */
  readonly reason: string;
}

/**
 * `mkdir -p dir` for a process that may run as root, checked before anything is created: the
 * deepest folder that exists must pass {@link untrustedFolder} (a recursive mkdir first would
 * follow another user's link, e.g. /tmp/x -> /etc, and create root's folders there before any
 * check could refuse the path); each missing folder is then made one at a time, and checked
 * again (whole path, links not followed) before anything is made inside it, so a folder or link
 * another user put at its name meanwhile (EEXIST in a sticky /tmp) is refused, not entered.
 * @returns the folder resolved (links followed), as {@link trustedFolder}: open files through it.
 * @throws {@link UntrustedFolderError} naming `dir` and what is wrong on its path (nothing is
 *   created below the untrusted folder); ENOTDIR with `reason` when `dir`, or something on its
 *   way, is not a folder or is a link (of yours) to something else, to nothing or in a loop; the
 *   file system's error otherwise (EACCES).
 * @example makeTrustedFolder('/run/vitals', 0, { mode: 0o700 }) // '/run/vitals', made 0700 if missing
 */
export function makeTrustedFolder(
  dir: string,
  uid: number,
  options: MakeFolderOptions = {},
): string {
  const missing: string[] = [];
  let at = resolve(dir);
  let found: Stats;
  for (;;) {
    try {
      found = lstatSync(at);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file on the way (`/tmp/afile/sub`); ELOOP: a link that loops; named below.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP') || dirname(at) === at)
        throw error;
      missing.unshift(basename(at));
      at = dirname(at);
    }
  }
  // Before the folder rule, which would judge a file by its mode (`/dev/null`: "writable by
  // others"); a link is the rule's to judge first (whose it is), then where it leads (below).
  if (!found.isDirectory() && !found.isSymbolicLink()) throw notFolder(dir, at);
  if (found.isSymbolicLink()) {
    // Whose link first; then where it leads, before the folder rule judges a device or a file
    // there by its mode (a link to /dev/null: "writable by others") or mkdir meets it (ENOTDIR).
    const why = untrustedPath(at, uid, options.groupWritable ? 0o002 : 0o022);
    if (why) throw untrusted(dir, why);
    if (!leadsToFolder(at)) throw notFolder(dir, at, readlinkSync(at));
  }
  let made = checked(at, dir, uid, options);
  // Never group-writable either, even with groupWritable: what it makes stays trusted under the
  // stricter rule too (a log folder and a lock folder may share the parent made first).
  const mode = (options.mode ?? 0o777) & ~0o022;
  for (const name of missing) {
    try {
      mkdirSync(join(made, name), { mode });
    } catch (error) {
      // Made meanwhile, by us or by another user: judged below like one we made.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    made = checked(join(made, name), dir, uid, options);
  }
  if (!statSync(made).isDirectory()) throw notFolder(dir, made);
  return made;
}

/** True when the link `at` leads to a folder; false when to anything else, or nowhere (ELOOP). */
function leadsToFolder(at: string): boolean {
  try {
    return statSync(at).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return false;
    throw error;
  }
}

/**
 * ENOTDIR naming `dir` and, when it is deeper, the file on its way (and where it leads when it is
 * a link, `to`); `reason` without `dir`.
 */
function notFolder(
  dir: string,
  at: string,
  to?: string,
): NodeJS.ErrnoException & { reason: string } {
  const link = to === undefined ? '' : `a link to ${to}, `;
  const reason =
    at !== resolve(dir)
      ? `goes through ${at}, ${link}which is not a folder`
      : to === undefined
        ? 'is not a folder'
        : `is ${link}which is not a folder`;
  const error = new Error(`${dir} ${reason}`) as NodeJS.ErrnoException & { reason: string };
  error.code = 'ENOTDIR';
  error.reason = reason;
  return error;
}

/** `at` resolved once trusted; the error names `dir`, the folder the caller asked for. */
function checked(at: string, dir: string, uid: number, options: TrustOptions): string {
  const reason = untrustedFolder(at, uid, options);
  if (reason) throw untrusted(dir, reason);
  return realpathSync(at);
}

/** The {@link UntrustedFolderError} naming `dir`. */
function untrusted(dir: string, reason: string): UntrustedFolderError {
  const error = new Error(`${dir} ${reason}`) as Error & { code: 'EUNTRUSTED'; reason: string };
  error.code = 'EUNTRUSTED';
  error.reason = reason;
  return error;
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

/**
 * True when `dir` is a folder only root can write: root owns it and every folder above it,
 * neither group nor others can write any of them (sticky or not), and no link on the way belongs
 * to another user. For defaults of a process running as root (`/run/vitals`,
 * `/var/lib/vitals`): no other user can create the folder first. False on any error (missing).
 * @example rootOnlyFolder('/run') // true on a systemd machine
 */
export function rootOnlyFolder(dir: string): boolean {
  try {
    const st = statSync(dir);
    return st.isDirectory() && st.uid === 0 && (st.mode & 0o022) === 0 && !untrustedFolder(dir, 0);
  } catch {
    return false;
  }
}
