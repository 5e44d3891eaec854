import { startNode, stopProcess } from './tour.process';
import type { TourStep } from './tour.types';

/** The message of a JSON log line, or the line itself. */
function readable(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: string; attempt?: number; delayMs?: number };
    if (entry.msg) return `${entry.msg} (attempt ${entry.attempt}, after ${entry.delayMs} ms)`;
  } catch {
    // Not JSON: a human line.
  }
  return line.trim().slice(0, 200);
}

/**
 * `vitals run` on a bot that crashes after 3 s: the supervisor restarts it with backoff; after the
 * second start the tour stops the supervisor with SIGTERM, which must end both cleanly.
 */
export const superviseStep: TourStep = {
  id: 'supervise',
  title: 'supervise a bot that crashes: restart with backoff, clean stop (vitals run)',
  timeoutMs: 90_000,
  async run(ctx) {
    const name = `demo-crash-${ctx.tag}`;
    const run = startNode(
      [
        ctx.paths.cli,
        'run',
        '--name',
        name,
        '--lock-dir',
        ctx.dir,
        '--max-restarts',
        '5',
        '--config',
        ctx.configFile,
        '--',
        process.execPath,
        ctx.paths.bot,
        '--leak',
        '0',
        '--crash-after',
        '3s',
        '--status-every',
        '0',
        '--tag',
        ctx.tag,
      ],
      { cwd: ctx.dir, env: ctx.env },
    );
    try {
      await run.waitFor(/simulated crash/, 30_000);
      const [restart] = await run.waitFor(/^.*child crashed.*restart.*$/m, 30_000);
      const starts = () => (run.output().match(/bot: trading/g) ?? []).length;
      await run.waitFor(/bot: trading[^]*bot: trading/, 30_000);
      const code = await stopProcess(run, 15_000);
      return {
        ok: starts() >= 2 && code !== 137,
        found: [
          `the bot crashed ("simulated crash: lost the exchange connection") and was started ${starts()} times`,
          `supervisor: ${readable(restart)}`,
          `SIGTERM to vitals run: exit ${code} after stopping the bot`,
        ],
      };
    } finally {
      await stopProcess(run);
    }
  },
};
