import type { CliCommand } from '@vitals/core';
import type { CommandDeps } from './command.deps';
import { runDuplicates } from './duplicates.action';
import { KILL_OPTIONS } from './ps.options';

/**
 * `vitals kill-duplicates`: for each group of processes running the same program, keeps one copy
 * (the oldest by default) and stops the others with SIGTERM, then SIGKILL after the grace period.
 * Prints what it would do and acts only with `--yes` or an interactive yes.
 * @example createKillDuplicatesCommand({ config, clock: systemClock })
 */
export function createKillDuplicatesCommand(deps: CommandDeps): CliCommand {
  return {
    name: 'kill-duplicates',
    summary: 'Stop extra copies of the same program, keeping one (dry run unless --yes)',
    usage: '[--filter TEXT] [--yes] [--keep oldest|newest|PID] [--grace MS] [--all-users] [--json]',
    options: KILL_OPTIONS,
    run: (ctx) => runDuplicates(ctx, deps, true),
  };
}
