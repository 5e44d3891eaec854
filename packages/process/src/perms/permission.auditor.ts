import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { BigIntStats, Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What a path is for. */
export type PathKind = 'secret' | 'data' | 'log';

/** One permission problem. */
export interface PermissionProblem {
  readonly path: string;
  readonly kind: PathKind;
  readonly problem:
    | 'missing'
    | 'not-a-directory'
    | 'readable-by-others'
    | 'world-writable'
    | 'not-writable'
    | 'wrong-owner'
    | 'link-in-shared-folder';
  /** Current permission bits (`0o644`), when the path exists. */
  readonly mode?: number;
  /** The bits it should have, when a chmod fixes it. */
  readonly expectedMode?: number;
  /**
   * `<st_dev>:<st_ino>` of what was audited (from `lstat`, links not followed): the fix changes
   * a path only while it is still this very file (see `fixPermissions`).
   */
  readonly identity?: string;
  /** One line: what is wrong and what should be. */
  readonly message: string;
}

/** Paths to audit (as in config `process.permissions`). */
export interface AuditPaths {
  readonly secrets?: readonly string[];
  readonly dataDirs?: readonly string[];
  readonly logDirs?: readonly string[];
}

/** Options of {@link auditPermissions}. */
export interface AuditOptions {
  /** Relative paths are resolved against it. */
  readonly cwd: string;
  /** The service user. @default process.geteuid() */
  readonly uid?: number;
  /** Entries looked at inside each folder (world-writable scan), at most. @default 2000 */
  readonly maxEntries?: number;
}

/** `0o644` → `'0644'`. */
export const formatMode = (mode: number): string =>
  `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

/**
 * Audits file permissions: secrets (`.env`, keys, configs with credentials) readable by their
 * owner only (0600/0400; a secrets folder 0700) and owned by the service user; data and log
 * folders present and writable by the service user; nothing world-writable in them (scanned
 * recursively, symlinks not followed, up to `maxEntries`).
 * @returns the problems; `[]` when all is well.
 * @example auditPermissions({ secrets: ['.env'] }, { cwd: '/srv/bot' })
 */
export function auditPermissions(paths: AuditPaths, options: AuditOptions): PermissionProblem[] {
  const uid = options.uid ?? process.geteuid?.() ?? 0;
  const problems: PermissionProblem[] = [];
  for (const p of paths.secrets ?? []) auditSecret(resolve(options.cwd, p), uid, problems);
  for (const [kind, list] of [
    ['data', paths.dataDirs],
    ['log', paths.logDirs],
  ] as const) {
    for (const p of list ?? [])
      auditDir(resolve(options.cwd, p), kind, uid, options.maxEntries ?? 2000, problems);
  }
  return problems;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** `<dev>:<ino>` of a path, links not followed (bigint: inode numbers may pass 2^53). */
export function identityOf(st: BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}

function lidentity(path: string): string | undefined {
  try {
    return identityOf(lstatSync(path, { bigint: true }));
  } catch {
    return undefined;
  }
}

/** A folder in which some other user may create, rename or delete entries. */
function sharedFolder(path: string): boolean {
  const st = statOf(path);
  return !st || (st.mode & 0o022) !== 0;
}

/**
 * The path to audit for a configured path: itself, or where its link points when the link sits
 * in a folder only its owner can write. A link is never followed inside a folder others can
 * write (issue 11: a link swapped in there pointed the fix at a root-owned `id`): that is a
 * problem of its own, with no fix.
 */
function followSafely(given: string, kind: PathKind, out: PermissionProblem[]): string | undefined {
  if (!lstatOf(given)?.isSymbolicLink()) return given;
  if (sharedFolder(dirname(given))) {
    out.push({
      path: given,
      kind,
      problem: 'link-in-shared-folder',
      message: `${given}: a symbolic link in a folder other users can write; not followed: list the real path instead`,
    });
    return undefined;
  }
  try {
    return realpathSync(given);
  } catch {
    return given; // dangling: reported as missing below
  }
}

function auditSecret(given: string, uid: number, out: PermissionProblem[]): void {
  const path = followSafely(given, 'secret', out);
  if (path === undefined) return;
  const st = lstatOf(path);
  if (!st) {
    out.push({
      path,
      kind: 'secret',
      problem: 'missing',
      message: `${path}: listed as a secret but does not exist`,
    });
    return;
  }
  const mode = st.mode & 0o7777;
  const identity = lidentity(path);
  if (mode & 0o077) {
    const expectedMode = mode & 0o7700;
    const what = st.isDirectory() ? 'secrets folder' : 'secret';
    out.push({
      path,
      kind: 'secret',
      problem: 'readable-by-others',
      mode,
      expectedMode,
      identity,
      message: `${path}: ${what} is ${formatMode(mode)}, should be ${formatMode(expectedMode)} (owner only)`,
    });
  }
  if (st.uid !== uid) {
    out.push({
      path,
      kind: 'secret',
      problem: 'wrong-owner',
      mode,
      message: `${path}: owned by uid ${st.uid}, not the service user (uid ${uid}): chown it`,
    });
  }
  if (st.isDirectory()) {
    for (const name of safeReaddir(path)) {
      if (lstatOf(join(path, name))?.isFile()) auditSecret(join(path, name), uid, out);
    }
  }
}

function auditDir(
  given: string,
  kind: PathKind,
  uid: number,
  maxEntries: number,
  out: PermissionProblem[],
): void {
  const path = followSafely(given, kind, out);
  if (path === undefined) return;
  const st = lstatOf(path);
  if (!st) {
    out.push({
      path,
      kind,
      problem: 'missing',
      message: `${path}: ${kind} folder does not exist: create it`,
    });
    return;
  }
  if (!st.isDirectory()) {
    out.push({
      path,
      kind,
      problem: 'not-a-directory',
      message: `${path}: ${kind} folder is not a folder`,
    });
    return;
  }
  const mode = st.mode & 0o7777;
  if (!writable(st, uid)) {
    const fix = st.uid === uid ? { expectedMode: mode | 0o700, identity: lidentity(path) } : {};
    const hint =
      st.uid === uid
        ? `should be ${formatMode(mode | 0o700)}`
        : `owned by uid ${st.uid}: chown it to uid ${uid}`;
    out.push({
      path,
      kind,
      problem: 'not-writable',
      mode,
      ...fix,
      message: `${path}: ${kind} folder is ${formatMode(mode)}, not writable by the service user; ${hint}`,
    });
  }
  scanWorldWritable(path, kind, maxEntries, out);
}

/**
 * Writable and searchable by `uid`, from the mode bits: root always; the owner by the owner bits;
 * anyone else by the "other" bits (group membership of another user cannot be known from here).
 */
function writable(st: Stats, uid: number): boolean {
  if (uid === 0) return true;
  if (st.uid === uid) return (st.mode & 0o300) === 0o300;
  return (st.mode & 0o003) === 0o003;
}

function scanWorldWritable(
  root: string,
  kind: PathKind,
  maxEntries: number,
  out: PermissionProblem[],
): void {
  const queue = [root];
  let seen = 0;
  for (let path = queue.shift(); path !== undefined && seen < maxEntries; path = queue.shift()) {
    let st: Stats;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    seen++;
    if (st.isSymbolicLink()) continue;
    const mode = st.mode & 0o7777;
    if (mode & 0o002) {
      const expectedMode = mode & ~0o002;
      out.push({
        path,
        kind,
        problem: 'world-writable',
        mode,
        expectedMode,
        identity: identityOf(lstatSync(path, { bigint: true })),
        message: `${path}: world-writable ${formatMode(mode)}, should be ${formatMode(expectedMode)}`,
      });
    }
    if (st.isDirectory()) for (const name of safeReaddir(path)) queue.push(join(path, name));
  }
}

function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}
