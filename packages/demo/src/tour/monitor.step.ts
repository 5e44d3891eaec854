import { runNode, startNode, stopProcess } from './tour.process';
import type { TourStep } from './tour.types';

interface Tick {
  metrics: Record<string, number>;
}

const MiB = 1024 * 1024;

/** `vitals monitor --pid --once --json`: the bot's own RSS, CPU and the machine's memory. */
export const monitorStep: TourStep = {
  id: 'monitor',
  title: 'monitor the bot (vitals monitor --pid --once --json)',
  timeoutMs: 60_000,
  async run(ctx) {
    const bot = startNode([ctx.paths.bot, '--leak', '0', '--status-every', '0', '--tag', ctx.tag], {
      cwd: ctx.dir,
      env: ctx.env,
    });
    try {
      await bot.waitFor(/bot: trading/, 20_000);
      const r = await runNode(
        [ctx.paths.cli, 'monitor', '--pid', String(bot.pid), '--once', '--json'],
        { cwd: ctx.dir, env: ctx.env, timeoutMs: 45_000 },
      );
      const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
      const tick = JSON.parse(line ?? '{}') as Tick;
      const own = (name: string) => tick.metrics?.[`${name}{pid="${bot.pid}"}`];
      const rss = own('process_resident_memory_bytes');
      const cpu = own('process_cpu_seconds_total');
      const threads = own('vitals_process_threads');
      const used = tick.metrics?.['vitals_system_memory_used_ratio'];
      return {
        ok: r.code === 0 && typeof rss === 'number' && rss > 0,
        found: [
          `bot pid ${bot.pid}: RSS ${rss === undefined ? '?' : (rss / MiB).toFixed(1) + ' MiB'}, CPU time ${cpu === undefined ? '?' : cpu.toFixed(2) + ' s'}, ${threads ?? '?'} threads`,
          `machine memory used ${used === undefined ? '?' : (used * 100).toFixed(1) + ' %'}; ${Object.keys(tick.metrics ?? {}).length} series in one tick`,
        ],
      };
    } finally {
      await stopProcess(bot);
    }
  },
};
