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
 * The problems a chmod fixes (those with an `expectedMode`). Ownership, missing paths and
 * non-folders need a person (chown, mkdir) and are left out.
 */
export function fixableProblems(problems: readonly PermissionProblem[]): FixableProblem[] {
  return problems.filter(
    (p): p is FixableProblem => p.expectedMode !== undefined && p.mode !== undefined,
  );
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
