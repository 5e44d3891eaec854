import { runNode, startNode, stopProcess } from './tour.process';
import type { TourStep } from './tour.types';

/**
 * Two copies of the same bot (as after a deploy that forgot the old one): `vitals ps --duplicates`
 * finds them, `vitals kill-duplicates --yes` ends the newer one and keeps the oldest. Only this
 * tour's bots are in scope (`--filter` on the tour's tag).
 */
export const duplicatesStep: TourStep = {
  id: 'duplicates',
  title: 'find and end a duplicate bot (vitals ps --duplicates, kill-duplicates --yes)',
  timeoutMs: 90_000,
  async run(ctx) {
    const tag = `dup-${ctx.tag}`;
    const args = [ctx.paths.bot, '--leak', '0', '--status-every', '0', '--tag', tag];
    const first = startNode(args, { cwd: ctx.dir, env: ctx.env });
    await first.waitFor(/bot: trading/, 20_000);
    const second = startNode(args, { cwd: ctx.dir, env: ctx.env });
    try {
      await second.waitFor(/bot: trading/, 20_000);
      const opts = { cwd: ctx.dir, env: ctx.env, timeoutMs: 45_000 };
      const ps = await runNode(
        [ctx.paths.cli, 'ps', '--duplicates', '--filter', tag, '--json'],
        opts,
      );
      const kill = await runNode(
        [ctx.paths.cli, 'kill-duplicates', '--filter', tag, '--yes', '--grace', '5s'],
        opts,
      );
      const secondGone = await Promise.race([
        second.exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      const firstAlive = (() => {
        try {
          process.kill(first.pid, 0);
          return true;
        } catch {
          return false;
        }
      })();
      const found = ps.stdout.includes(String(first.pid)) && ps.stdout.includes(String(second.pid));
      return {
        ok: ps.code === 0 && found && kill.code === 0 && secondGone && firstAlive,
        found: [
          `ps --duplicates: ${found ? `pids ${first.pid} and ${second.pid} run the same program` : 'no group found'}`,
          `kill-duplicates: ${secondGone ? `ended ${second.pid}` : `${second.pid} still runs`}, kept ${first.pid} (${firstAlive ? 'running' : 'gone!'})`,
        ],
      };
    } finally {
      await Promise.all([stopProcess(second), stopProcess(first)]);
    }
  },
};
