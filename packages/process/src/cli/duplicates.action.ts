import { escapeControl, formatDuration } from '@vitals/core';
import type { CliContext } from '@vitals/core';
import { findDuplicateGroups } from '../duplicates/duplicate.finder';
import { planKills } from '../kill/kill.plan';
import type { KeepPolicy, KillPlan } from '../kill/kill.plan';
import { ancestorsOf } from '../kill/process.guard';
import type { GuardContext } from '../kill/process.guard';
import { terminateProcesses } from '../kill/process.terminator';
import type { TerminationOutcome } from '../kill/process.terminator';
import type { ProcessInfo } from '../table/process.table';
import { commandTable, durationFlag, flag, pidValue, say, text, usage } from './command.deps';
import type { CommandDeps } from './command.deps';
import { confirmAction } from './confirm';
import { PROCESS_FIGURES, PROCESS_HEADER, processRow, renderTable } from './format';

/** The figure columns of a plan row: one column right of the process table's (the action). */
const SHIFTED_FIGURES = new Set([...PROCESS_FIGURES].map((i) => i + 1));

/**
 * `ps --duplicates [--kill]` and `kill-duplicates`: lists duplicate groups of the current user
 * (every user with `--all-users`), and with `kill` shows what it would stop; it signals only
 * with `--yes` or an interactive yes. Returns the exit code: 1 when a process could not be ended.
 */
export async function runDuplicates(
  ctx: CliContext,
  deps: CommandDeps,
  kill: boolean,
): Promise<number> {
  const keep = parseKeep(text(ctx, 'keep'));
  const graceMs = durationFlag(ctx, 'grace', { min: '100ms', max: '10m' }) ?? deps.config.graceMs;
  const allUsers = flag(ctx, 'all-users');
  const procRoot = deps.procRoot ?? '/proc';
  const selfUid = process.geteuid?.();
  if (allUsers && selfUid !== 0)
    throw usage('--all-users needs root: other users’ processes are never touched otherwise');
  const filter = text(ctx, 'filter');
  const table = commandTable(deps).filter(
    (p) => allUsers || selfUid === undefined || p.uid === selfUid,
  );
  const groups = findDuplicateGroups(table, { services: deps.config.duplicates.services }).filter(
    (g) => !filter || g.name.includes(filter),
  );
  const guard: GuardContext = {
    selfPid: process.pid,
    selfUid,
    ancestors: ancestorsOf(process.pid, procRoot),
    allUsers,
    procRoot,
  };
  const plans = planKills(groups, keep, guard);
  const targets = plans.flatMap((p) => p.stop.filter((s) => !s.refusal).map((s) => s.process));
  const json = flag(ctx, 'json');
  const report = (dryRun: boolean, outcomes: readonly TerminationOutcome[] = []): void =>
    say(ctx, JSON.stringify({ groups: plans.map(planJson), dryRun, outcomes }));
  if (!json) printPlans(ctx, plans, kill, deps.clock.now());
  if (!kill || targets.length === 0) {
    if (json) report(true);
    return 0;
  }
  const question = `Stop ${targets.length} process${targets.length === 1 ? '' : 'es'} (SIGTERM, then SIGKILL after ${formatDuration(graceMs)})?`;
  if (!(await confirmAction(ctx, deps, question))) {
    if (json) report(true);
    else
      say(ctx, `Dry run: nothing was signalled. Add --yes to stop ${targets.length} process(es).`);
    return 0;
  }
  const outcomes = await terminateProcesses(targets, {
    graceMs,
    clock: deps.clock,
    allUsers,
    procRoot,
  });
  if (json) report(false, outcomes);
  else for (const o of outcomes) say(ctx, `${o.status.padEnd(10)}  ${escapeControl(o.message)}`);
  return outcomes.some((o) => o.status === 'failed' || o.status === 'survived') ? 1 : 0;
}

function parseKeep(value: string | undefined): KeepPolicy {
  if (value === undefined || value === 'oldest' || value === 'newest') return value ?? 'oldest';
  if (/^\d+$/.test(value)) return pidValue(value, '--keep');
  throw usage(`invalid --keep ${JSON.stringify(value)}: use oldest, newest or a pid`);
}

function printPlans(ctx: CliContext, plans: readonly KillPlan[], kill: boolean, now: number): void {
  if (plans.length === 0) {
    say(ctx, 'No duplicate processes.');
    return;
  }
  const header = ['', ...PROCESS_HEADER.slice(0, 7), 'NOTE'];
  for (const plan of plans) {
    const { group } = plan;
    const title = clip(escapeControl(group.name), (ctx.stdout.columns ?? 160) - 40);
    say(ctx, `${title}: ${group.members.length} copies (oldest pid ${group.oldest.pid})`);
    const rows = group.members.map((m) => {
      const stop = plan.stop.find((s) => s.process === m);
      return [
        actionOf(plan, m, stop, kill),
        ...processRow(m, now).slice(0, 7),
        stop?.refusal ?? '',
      ];
    });
    // Two spaces of indent; the NOTE column only when a row has a note.
    const hasNote = rows.some((r) => r[r.length - 1] !== '');
    const cells = [header, ...rows].map((r) => [
      '  ' + r[0],
      ...r.slice(1, hasNote ? undefined : -1),
    ]);
    say(ctx, renderTable(cells, ctx.stdout.columns, SHIFTED_FIGURES));
    if (kill && plan.note) say(ctx, `  ${plan.note}`);
  }
}

/** The first column of a member's row: what happens to it (or, listing only, which is oldest). */
function actionOf(
  plan: KillPlan,
  member: ProcessInfo,
  stop: KillPlan['stop'][number] | undefined,
  kill: boolean,
): string {
  if (!kill) return member === plan.group.oldest ? 'oldest' : '';
  if (member === plan.keep) return 'keep';
  if (!stop) return '';
  return stop.refusal ? 'refuse' : 'stop';
}

/** A long command line cut to `max` characters. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(max, 20) - 1)}…` : text;
}

function planJson(plan: KillPlan): Record<string, unknown> {
  return {
    group: plan.group.name,
    pids: plan.group.members.map((m) => m.pid),
    oldest: plan.group.oldest.pid,
    keep: plan.keep?.pid,
    stop: plan.stop.map((s) => ({ pid: s.process.pid, refusal: s.refusal })),
    note: plan.note,
  };
}
