import { closeSync, constants, fchmodSync, fstatSync, openSync } from 'node:fs';
import { describeError } from '@vitals/core';
import { formatMode, identityOf } from './permission.auditor';
import type { PermissionProblem } from './permission.auditor';

/** What one chmod did. */
export interface PermissionFix {
  readonly path: string;
  readonly from: number;
  readonly to: number;
  readonly ok: boolean;
  /** One line: `chmod 0600 /srv/bot/.env` and, on failure, why. */
  readonly message: string;
}

/** A problem a chmod fixes: both modes known. */
export type FixableProblem = PermissionProblem & {
  readonly mode: number;
  readonly expectedMode: number;
};

/**
 * The problems a chmod fixes (those with an `expectedMode`), one per path: when a path has two
 * (a log folder not writable by its owner AND world-writable), their changes are merged into one
 * mode, so the second chmod never undoes the first. Ownership, missing paths and non-folders need
 * a person (chown, mkdir) and are left out.
 * @example fixableProblems(auditPermissions(paths, { cwd })).map((p) => p.path)
 */
export function fixableProblems(problems: readonly PermissionProblem[]): FixableProblem[] {
  const byPath = new Map<string, FixableProblem>();
  for (const p of problems) {
    if (p.expectedMode === undefined || p.mode === undefined) continue;
    const seen = byPath.get(p.path);
    if (!seen) {
      byPath.set(p.path, p as FixableProblem);
      continue;
    }
    const added = (seen.expectedMode & ~seen.mode) | (p.expectedMode & ~p.mode);
    const removed = (seen.mode & ~seen.expectedMode) | (p.mode & ~p.expectedMode);
    byPath.set(p.path, { ...seen, expectedMode: (seen.mode | added) & ~removed });
  }
  return [...byPath.values()];
}

/**
 * Applies the fixable problems; one failure does not stop the rest. Each change acts on exactly
 * what was audited: the path is opened with `O_NOFOLLOW` (a link put there since is refused,
 * `ELOOP`) and `O_NONBLOCK` (a FIFO put there does not hang us), the descriptor's `fstat`
 * `st_dev:st_ino` must equal the audit's `identity` (a file swapped in since is refused), and the
 * mode is changed with `fchmod` through that descriptor, so no path is looked up twice. Node has
 * no `O_PATH`, so a file the caller cannot open read-only fails with `EACCES` (root always can).
 * @example fixPermissions(auditPermissions(paths, { cwd })).filter((f) => !f.ok)
 */
export function fixPermissions(problems: readonly PermissionProblem[]): PermissionFix[] {
  return fixableProblems(problems).map((p) => {
    const line = `chmod ${formatMode(p.expectedMode)} ${p.path}`;
    try {
      chmodChecked(p);
      return { path: p.path, from: p.mode, to: p.expectedMode, ok: true, message: line };
    } catch (error) {
      return {
        path: p.path,
        from: p.mode,
        to: p.expectedMode,
        ok: false,
        message: `${line} failed: ${whyFailed(error)}`,
      };
    }
  });
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

class ChangedSinceAudit extends Error {}

function chmodChecked(p: FixableProblem): void {
  const fd = openSync(p.path, OPEN_FLAGS);
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile() && !st.isDirectory())
      throw new ChangedSinceAudit('no longer a file or folder');
    if (p.identity === undefined || identityOf(st) !== p.identity)
      throw new ChangedSinceAudit('replaced by another file since the audit');
    fchmodSync(fd, p.expectedMode);
  } finally {
    closeSync(fd);
  }
}

function whyFailed(error: unknown): string {
  if (error instanceof ChangedSinceAudit) return `${error.message}; not changed: audit again`;
  if ((error as NodeJS.ErrnoException).code === 'ELOOP')
    return 'it is a symbolic link now (swapped since the audit?); not followed, not changed';
  return describeError(error);
}
