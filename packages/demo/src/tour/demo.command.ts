import type { CliCommand } from '@vitals/core';
import { escapeControl } from './escape';
import { defaultTourPaths } from './tour.process';
import { TOUR_STEPS, runTour, type StepOutcome } from './tour.runner';

/**
 * The tour's last line and exit code: 0 when every step worked; 130 (as for SIGINT) when it was
 * interrupted, naming the step it stopped in; else 1 with the failed steps.
 */
export function summarize(
  outcomes: readonly StepOutcome[],
  total: number,
  interrupted: boolean,
): { line: string; code: number } {
  const seconds = Math.round(outcomes.reduce((a, o) => a + o.seconds, 0));
  if (interrupted) {
    const at = outcomes[outcomes.length - 1];
    const where = at ? ` in step ${outcomes.length} (${at.id})` : '';
    return {
      line: `Interrupted${where} after ${seconds} s; every process the tour started was stopped.`,
      code: 130,
    };
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length === 0 && outcomes.length === total)
    return { line: `All ${total} steps worked (${seconds} s).`, code: 0 };
  const notRun = total - outcomes.length;
  return {
    line: `${failed.length} of ${total} steps failed: ${failed.map((o) => o.id).join(', ')}${notRun > 0 ? `; ${notRun} not run` : ''}.`,
    code: 1,
  };
}

/**
 * `vitals demo [--steps a,b]`: a bounded, non-interactive tour of Vitals on the bundled demo bot —
 * diagnose, monitor, leak detection on a fast leak, snapshot diff, duplicates, supervision with a
 * crash and a restart. Prints what each step found; exit 0 when every step worked, 1 when one
 * failed, 130 when interrupted (every process it started is stopped first), 64 for an unknown
 * step. Each step has its own deadline; the whole tour stays under 5 minutes.
 */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary:
    'A tour of Vitals on a simulated trading bot, under five minutes (exit 0 when all works)',
  usage: '[--steps diagnose,monitor,leak,snapshot,duplicates,supervise]',
  options: {
    steps: {
      type: 'string',
      valueName: 'LIST',
      description: 'comma-separated steps to run (default: all, in order)',
    },
  },
  async run(ctx) {
    const wanted = typeof ctx.options['steps'] === 'string' ? ctx.options['steps'] : undefined;
    const ids = wanted?.split(',').map((s) => s.trim()) ?? TOUR_STEPS.map((s) => s.id);
    const unknown = ids.filter((id) => !TOUR_STEPS.some((s) => s.id === id));
    if (unknown.length > 0 || ids.length === 0) {
      ctx.stderr.write(
        `vitals: demo: unknown step "${escapeControl(unknown[0] ?? '')}"; steps are ${TOUR_STEPS.map((s) => s.id).join(', ')}\n`,
      );
      return 64;
    }
    const steps = TOUR_STEPS.filter((s) => ids.includes(s.id));
    const write = (line: string) => ctx.stdout.write(escapeControl(line) + '\n');
    write(`Vitals demo: ${steps.length} steps on a simulated trading bot`);
    const outcomes = await runTour({
      paths: defaultTourPaths(process.argv),
      steps,
      env: ctx.env,
      write,
      signal: ctx.stopSignal,
    });
    const { line, code } = summarize(outcomes, steps.length, ctx.stopSignal.aborted);
    write('');
    write(line);
    return code;
  },
};
