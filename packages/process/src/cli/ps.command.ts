import type { CliCommand, CliContext } from '@vitals/core';
import { sampleCpuPercent } from '../table/cpu.sampler';
import type { ProcessInfo } from '../table/process.table';
import { commandTable, durationFlag, flag, say, text, usage } from './command.deps';
import type { CommandDeps } from './command.deps';
import { runDuplicates } from './duplicates.action';
import { PROCESS_FIGURES, PROCESS_HEADER, processRow, renderTable } from './format';
import { PS_OPTIONS } from './ps.options';

const SORTS: Record<string, (a: Row, b: Row) => number> = {
  pid: (a, b) => a.p.pid - b.p.pid,
  rss: (a, b) => b.p.rssBytes - a.p.rssBytes,
  cpu: (a, b) => b.cpu - a.cpu,
  start: (a, b) => a.p.startTimeTicks - b.p.startTimeTicks,
};

interface Row {
  p: ProcessInfo;
  cpu: number;
}

/**
 * `vitals ps`: every process from `/proc` with pid, parent, user, state, age, RSS, CPU and
 * command; `--duplicates` lists duplicate groups and `--kill` stops the extra copies (dry run
 * unless `--yes`).
 * @example createPsCommand({ config, clock: systemClock })
 */
export function createPsCommand(deps: CommandDeps): CliCommand {
  return {
    name: 'ps',
    summary: 'List processes (RSS, CPU, command); find and stop duplicates',
    usage:
      '[--sort rss|cpu|pid|start] [--filter TEXT] [--sample MS] [--json] [--duplicates [--kill [--yes] [--keep oldest|newest|PID] [--grace MS] [--all-users]]]',
    options: PS_OPTIONS,
    async run(ctx: CliContext) {
      if (flag(ctx, 'duplicates') || flag(ctx, 'kill'))
        return runDuplicates(ctx, deps, flag(ctx, 'kill'));
      const sort = text(ctx, 'sort') ?? 'pid';
      if (!SORTS[sort])
        throw usage(`invalid --sort ${JSON.stringify(sort)}: use rss, cpu, pid or start`);
      const filter = text(ctx, 'filter');
      const table = commandTable(deps).filter(
        (p) =>
          !filter || p.command.includes(filter) || p.user === filter || String(p.pid) === filter,
      );
      const sampleMs = parseSample(ctx);
      const rates =
        sampleMs === undefined
          ? undefined
          : await sampleCpuPercent(
              table.map((p) => p.pid),
              sampleMs,
              deps.clock,
            );
      const rows: Row[] = table.map((p) => ({
        p,
        cpu: rates ? (rates.get(p.pid) ?? 0) : p.cpuPercent,
      }));
      rows.sort(SORTS[sort]);
      if (flag(ctx, 'json')) {
        say(ctx, JSON.stringify(rows.map(({ p, cpu }) => ({ ...p, cpuPercent: cpu }))));
        return 0;
      }
      const now = deps.clock.now();
      say(
        ctx,
        renderTable(
          [PROCESS_HEADER, ...rows.map(({ p, cpu }) => processRow(p, now, cpu))],
          ctx.stdout.columns,
          PROCESS_FIGURES,
        ),
      );
      return 0;
    },
  };
}

/** `--sample MS`: 50ms–1m, or undefined when not given. */
function parseSample(ctx: CliContext): number | undefined {
  return durationFlag(ctx, 'sample', { min: '50ms', max: '1m' });
}
