import * as path from 'node:path';
import { runNode, startNode, stopProcess } from './tour.process';
import type { TourStep } from './tour.types';

interface DiffRow {
  constructorName: string;
  countDelta: number;
  sizeDelta: number;
}

const KiB = 1024;

/**
 * Two heap snapshots of a leaking bot (`vitals heap snapshot --pid`, by --heapsnapshot-signal)
 * ten seconds apart, then `vitals heap diff`: the top growing constructor must be the one that
 * leaks, BookLevel (the copies OrderHistory keeps).
 */
export const snapshotStep: TourStep = {
  id: 'snapshot',
  title: 'heap snapshots and their diff name the class that leaks (vitals heap snapshot/diff)',
  timeoutMs: 120_000,
  async run(ctx) {
    const bot = startNode(
      [
        '--heapsnapshot-signal=SIGUSR2',
        `--diagnostic-dir=${ctx.dir}`,
        ctx.paths.bot,
        '--leak',
        '30M',
        '--status-every',
        '0',
        '--tag',
        ctx.tag,
      ],
      { cwd: ctx.dir, env: ctx.env },
    );
    const snapshot = async (): Promise<string> => {
      const r = await runNode([ctx.paths.cli, 'heap', 'snapshot', '--pid', String(bot.pid)], {
        cwd: ctx.dir,
        env: ctx.env,
        timeoutMs: 60_000,
      });
      const file = /(\/\S+\.heapsnapshot)/.exec(r.stdout + r.stderr)?.[1];
      if (r.code !== 0 || !file)
        throw new Error(`heap snapshot failed (exit ${r.code}): ${r.stderr.trim().slice(0, 200)}`);
      return file;
    };
    try {
      await bot.waitFor(/bot: trading/, 20_000);
      await new Promise((r) => setTimeout(r, 3000));
      const before = await snapshot();
      await new Promise((r) => setTimeout(r, 10_000));
      const after = await snapshot();
      const r = await runNode(
        [ctx.paths.cli, 'heap', 'diff', before, after, '--json', '--top', '5'],
        { cwd: ctx.dir, env: ctx.env, timeoutMs: 60_000 },
      );
      const parsed = JSON.parse(r.stdout) as DiffRow[] | { rows: DiffRow[] };
      const rows = Array.isArray(parsed) ? parsed : parsed.rows;
      const top = rows[0];
      return {
        ok: top?.constructorName === 'BookLevel',
        found: [
          `snapshots ${path.basename(before)} → ${path.basename(after)}`,
          ...rows
            .slice(0, 3)
            .map(
              (row) =>
                `${row.constructorName}: +${row.countDelta} objects, +${(row.sizeDelta / KiB).toFixed(0)} KiB`,
            ),
        ],
      };
    } finally {
      await stopProcess(bot);
    }
  },
};
