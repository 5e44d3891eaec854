import { VitalsError, escapeControl } from '@vitals/core';
import type { CliCommand, CliContext } from '@vitals/core';
import { auditPermissions, formatMode } from '../perms/permission.auditor';
import type { PermissionProblem } from '../perms/permission.auditor';
import { fixableProblems, fixPermissions } from '../perms/permission.fixer';
import { readUserNames } from '../table/user.names';
import { flag, say } from './command.deps';
import type { CommandDeps } from './command.deps';
import { confirmAction } from './confirm';
import { renderTable } from './format';
import { JSON_OPTION, YES_OPTION } from './ps.options';

/**
 * `vitals perms`: audits the paths of config `process.permissions`, printing each problem with
 * the mode it has and the mode it should have. `--fix` shows the chmods it would run and runs
 * them with `--yes` or an interactive yes (the same dry-run rule as `kill-duplicates`). Exit code
 * 1 while problems remain.
 * @example createPermsCommand({ config, clock: systemClock })
 */
export function createPermsCommand(deps: CommandDeps): CliCommand {
  return {
    name: 'perms',
    summary: 'Audit file permissions of secrets, data and log folders; --fix to chmod (with --yes)',
    usage: '[--fix [--yes]] [--json]',
    options: {
      fix: { type: 'boolean', description: 'chmod what can be fixed (dry run unless --yes)' },
      yes: YES_OPTION,
      json: JSON_OPTION,
    },
    async run(ctx: CliContext) {
      const paths = deps.config.permissions;
      const count = paths.secrets.length + paths.dataDirs.length + paths.logDirs.length;
      const audit = { cwd: ctx.cwd, uid: serviceUid(paths.user) };
      let problems = auditPermissions(paths, audit);
      const json = flag(ctx, 'json');
      if (!json) print(ctx, problems, count);
      const fixable = fixableProblems(problems);
      let fixes: ReturnType<typeof fixPermissions> = [];
      if (flag(ctx, 'fix') && fixable.length > 0) {
        if (!json)
          for (const p of fixable)
            say(ctx, `would run: chmod ${formatMode(p.expectedMode)} ${escapeControl(p.path)}`);
        if (await confirmAction(ctx, deps, `Change the mode of ${fixable.length} path(s)?`)) {
          fixes = fixPermissions(problems);
          if (!json)
            for (const f of fixes)
              say(ctx, `${f.ok ? 'done' : 'FAILED'}: ${escapeControl(f.message)}`);
          problems = auditPermissions(paths, audit);
          if (!json && problems.length > 0)
            say(
              ctx,
              `${problems.length} problem(s) remain (listed above): chmod does not create a missing path or change an owner.`,
            );
        } else if (!json) say(ctx, 'Dry run: nothing was changed. Add --yes to apply.');
      }
      if (json) say(ctx, JSON.stringify({ problems: problems.map(toJson), fixes }));
      return problems.length > 0 ? 1 : 0;
    },
  };
}

function print(ctx: CliContext, problems: readonly PermissionProblem[], count: number): void {
  if (count === 0) {
    say(
      ctx,
      'No paths to audit: set process.permissions.secrets, dataDirs and logDirs in the config.',
    );
    return;
  }
  if (problems.length === 0) {
    say(ctx, `Permissions OK (${count} path(s) checked).`);
    return;
  }
  const rows = problems.map((p) => [
    p.kind,
    p.problem,
    p.mode === undefined ? '-' : formatMode(p.mode),
    p.expectedMode === undefined ? '-' : formatMode(p.expectedMode),
    p.path,
  ]);
  say(
    ctx,
    renderTable([['KIND', 'PROBLEM', 'HAS', 'SHOULD', 'PATH'], ...rows], ctx.stdout.columns),
  );
  for (const p of problems.filter((x) => x.expectedMode === undefined))
    say(ctx, `  ${escapeControl(p.message)}`);
}

function toJson(p: PermissionProblem): Record<string, unknown> {
  return {
    ...p,
    mode: p.mode === undefined ? undefined : formatMode(p.mode),
    expectedMode: p.expectedMode === undefined ? undefined : formatMode(p.expectedMode),
  };
}

/** The uid of config `permissions.user` (a name or a uid); undefined: the user running `perms`. */
function serviceUid(user: string | number | undefined): number | undefined {
  if (user === undefined || typeof user === 'number') return user;
  if (/^\d+$/.test(user)) return Number(user);
  for (const [uid, name] of readUserNames()) if (name === user) return uid;
  throw new VitalsError(
    'ERR_INVALID_ARGUMENT',
    `unknown user ${JSON.stringify(user)} in process.permissions.user: use a name from /etc/passwd or a uid`,
  );
}
