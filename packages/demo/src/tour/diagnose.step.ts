import { runNode, startNode, stopProcess } from './tour.process';
import type { TourStep } from './tour.types';

interface Report {
  severity: string;
  findings: { check: string; severity: string; message: string }[];
}

/** `vitals diagnose --pid` on a running bot: every check graded from outside, through /proc. */
export const diagnoseStep: TourStep = {
  id: 'diagnose',
  title: 'diagnose the running bot from outside (vitals diagnose --pid)',
  timeoutMs: 60_000,
  async run(ctx) {
    const bot = startNode([ctx.paths.bot, '--leak', '0', '--status-every', '0', '--tag', ctx.tag], {
      cwd: ctx.dir,
      env: ctx.env,
    });
    try {
      await bot.waitFor(/bot: trading/, 20_000);
      const r = await runNode([ctx.paths.cli, 'diagnose', '--pid', String(bot.pid), '--json'], {
        cwd: ctx.dir,
        env: ctx.env,
        timeoutMs: 45_000,
      });
      const report = JSON.parse(r.stdout) as Report;
      const notOk = report.findings.filter((f) => f.severity !== 'ok');
      const exitBySeverity = { ok: 0, info: 0, warning: 1, critical: 2 }[report.severity];
      return {
        ok: report.findings.length > 0 && exitBySeverity === r.code,
        found: [
          `${report.findings.length} checks on pid ${bot.pid}, worst: ${report.severity} (exit ${r.code})`,
          ...notOk.slice(0, 3).map((f) => `${f.severity} ${f.check}: ${f.message}`),
        ],
      };
    } finally {
      await stopProcess(bot);
    }
  },
};
