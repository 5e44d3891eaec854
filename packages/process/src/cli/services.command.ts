import { escapeControl, isVitalsError } from '@vitals/core';
import type { CliCommand, CliContext } from '@vitals/core';
import { SystemctlClient } from '../systemd/systemctl.client';
import { flag, say, text } from './command.deps';
import type { CommandDeps } from './command.deps';
import { confirmAction } from './confirm';
import { renderTable } from './format';
import { JSON_OPTION, YES_OPTION } from './ps.options';

/**
 * `vitals services`: status of units (positionals, else config `systemd.units`) and the failed
 * units; `--reset-failed UNIT` and `--restart UNIT` act only with `--yes` or an interactive yes.
 * Where systemd is not running it says so in one line.
 * @example createServicesCommand({ config, clock: systemClock })
 */
export function createServicesCommand(deps: CommandDeps): CliCommand {
  return {
    name: 'services',
    summary: 'systemd units: status, failed units, reset-failed, restart (acts only with --yes)',
    usage: '[UNIT...] [--failed] [--reset-failed UNIT] [--restart UNIT] [--user] [--yes] [--json]',
    positionals: true,
    options: {
      failed: { type: 'boolean', description: 'list failed units only' },
      'reset-failed': {
        type: 'string',
        valueName: 'UNIT',
        description: 'clear the failed state of UNIT',
      },
      restart: { type: 'string', valueName: 'UNIT', description: 'restart UNIT' },
      user: { type: 'boolean', description: 'the user manager (systemctl --user)' },
      yes: YES_OPTION,
      json: JSON_OPTION,
    },
    async run(ctx: CliContext) {
      const client = new SystemctlClient({
        env: ctx.env,
        user: flag(ctx, 'user') || deps.config.systemd.user,
        runDir: deps.systemdRunDir,
      });
      const actions = (['reset-failed', 'restart'] as const)
        .map((action) => ({ action, unit: text(ctx, action) }))
        .filter(
          (a): a is { action: 'reset-failed' | 'restart'; unit: string } => a.unit !== undefined,
        );
      try {
        if (actions.length > 0) return await act(ctx, deps, client, actions);
        await show(ctx, deps, client);
        return 0;
      } catch (error) {
        if (!isVitalsError(error, 'ERR_SYSTEMD_UNAVAILABLE')) throw error;
        const json = flag(ctx, 'json');
        say(
          ctx,
          json
            ? JSON.stringify({ systemd: false, message: error.message })
            : escapeControl(error.message),
        );
        return actions.length > 0 ? 1 : 0;
      }
    },
  };
}

async function show(ctx: CliContext, deps: CommandDeps, client: SystemctlClient): Promise<void> {
  const units = ctx.positionals.length > 0 ? ctx.positionals : deps.config.systemd.units;
  const statuses = flag(ctx, 'failed') ? [] : await Promise.all(units.map((u) => client.status(u)));
  const failed = await client.failedUnits();
  if (flag(ctx, 'json')) {
    say(ctx, JSON.stringify({ units: statuses, failed }));
    return;
  }
  if (statuses.length > 0) {
    const rows = statuses.map((s) => [
      s.unit,
      s.load,
      s.active,
      s.sub,
      String(s.mainPid || '-'),
      String(s.restarts),
      s.description,
    ]);
    say(
      ctx,
      renderTable(
        [['UNIT', 'LOAD', 'ACTIVE', 'SUB', 'PID', 'RESTARTS', 'DESCRIPTION'], ...rows],
        ctx.stdout.columns,
      ),
    );
  }
  if (failed.length === 0) say(ctx, 'No failed units.');
  else {
    say(ctx, `${failed.length} failed unit(s):`);
    const rows = failed.map((u) => [u.unit, u.load, u.active, u.sub, u.description]);
    say(
      ctx,
      renderTable([['UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION'], ...rows], ctx.stdout.columns),
    );
  }
}

async function act(
  ctx: CliContext,
  deps: CommandDeps,
  client: SystemctlClient,
  actions: { action: 'reset-failed' | 'restart'; unit: string }[],
): Promise<number> {
  client.assertAvailable();
  const lines = actions.map((a) => client.describe(a.action, a.unit));
  for (const line of lines) say(ctx, `would run: ${line}`);
  if (!(await confirmAction(ctx, deps, 'Run these?'))) {
    say(ctx, 'Dry run: nothing was changed. Add --yes to run them.');
    return 0;
  }
  for (const [i, { action, unit }] of actions.entries()) {
    if (action === 'restart') await client.restart(unit);
    else await client.resetFailed(unit);
    say(ctx, `done: ${lines[i]}`);
  }
  return 0;
}
