import { chmodSync } from 'node:fs';
import { describeError } from '@vitals/core';
import { formatMode } from './permission.auditor';
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
 * Applies the fixable problems with `chmod`; one failure does not stop the rest.
 * @example fixPermissions(auditPermissions(paths, { cwd })).filter((f) => !f.ok)
 */
export function fixPermissions(problems: readonly PermissionProblem[]): PermissionFix[] {
  return fixableProblems(problems).map((p) => {
    const line = `chmod ${formatMode(p.expectedMode)} ${p.path}`;
    try {
      chmodSync(p.path, p.expectedMode);
      return { path: p.path, from: p.mode, to: p.expectedMode, ok: true, message: line };
    } catch (error) {
      return {
        path: p.path,
        from: p.mode,
        to: p.expectedMode,
        ok: false,
        message: `${line} failed: ${describeError(error)}`,
      };
    }
  });
}
