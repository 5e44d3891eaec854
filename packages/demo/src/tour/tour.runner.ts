import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diagnoseStep } from './diagnose.step';
import { duplicatesStep } from './duplicates.step';
import { leakStep } from './leak.step';
import { monitorStep } from './monitor.step';
import { snapshotStep } from './snapshot.step';
import { superviseStep } from './supervise.step';
import { stopAll, type TourPaths } from './tour.process';
import type { StepResult, TourContext, TourStep } from './tour.types';

/** Every step, in the order the tour runs them. */
export const TOUR_STEPS: readonly TourStep[] = [
  diagnoseStep,
  monitorStep,
  leakStep,
  snapshotStep,
  duplicatesStep,
  superviseStep,
];

/** One step's outcome. */
export interface StepOutcome extends StepResult {
  readonly id: string;
  readonly seconds: number;
}

/** Options of {@link runTour}. */
export interface TourOptions {
  readonly paths: TourPaths;
  readonly steps: readonly TourStep[];
  /** Environment the children inherit from (only PATH, HOME, TMPDIR and LANG are passed on). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly write: (line: string) => void;
  readonly signal: AbortSignal;
  /** The whole tour's deadline, ms: a step gets at most what is left of it. @default 290000 */
  readonly deadlineMs?: number;
}

/** The tour stays under five minutes, whatever the steps' own deadlines add up to. */
export const TOUR_DEADLINE_MS = 290_000;

const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG'] as const;

function withTimeout(
  step: TourStep,
  ctx: TourContext,
  outer: AbortSignal,
  timeoutMs: number,
): Promise<StepResult> {
  const controller = new AbortController();
  return new Promise<StepResult>((resolve) => {
    // Cut short: end the step's processes before the tour moves on (or the CLI exits), whatever
    // the step's own clean-up is still waiting for. The first reason stands: the step's own error while its processes are being ended (its
    // wait rejects once they are gone) is a consequence, not the cause.
    let cut: string | undefined;
    const fail = (why: string) => {
      if (cut !== undefined) return;
      cut = why;
      controller.abort();
      void stopAll().then(() => resolve({ ok: false, found: [why] }));
    };
    const timer = setTimeout(
      () => fail(`did not finish within ${Math.round(timeoutMs / 1000)} s`),
      timeoutMs,
    );
    const onAbort = () => fail('interrupted');
    outer.addEventListener('abort', onAbort, { once: true });
    step
      .run(ctx, controller.signal)
      .then(
        (result) => cut === undefined && resolve(result),
        (error: unknown) => fail(`failed: ${(error as Error)?.message ?? String(error)}`),
      )
      .finally(() => {
        clearTimeout(timer);
        outer.removeEventListener('abort', onAbort);
      });
  }).finally(() => controller.abort());
}

/**
 * Runs the tour's steps one after another in a temporary folder (removed at the end), printing
 * what each found. Every process a step starts is stopped by that step, or by the runner when the
 * step is interrupted (`signal`) or misses its deadline: no process of the tour outlives it.
 * Returns the outcomes.
 */
export async function runTour(options: TourOptions): Promise<StepOutcome[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-demo-'));
  const configFile = path.join(dir, 'vitals.tour.json');
  fs.writeFileSync(configFile, JSON.stringify({ http: { port: 0 } }));
  const env: Record<string, string> = { VITALS_LOG_FORMAT: 'json' };
  for (const key of PASSED_ENV) {
    const value = options.env[key];
    if (value !== undefined) env[key] = value;
  }
  const tag = `tour${process.pid}x${Date.now().toString(36)}`;
  const ctx: TourContext = {
    paths: options.paths,
    dir,
    configFile,
    env,
    tag,
    say: (line) => options.write(`  ${line}`),
  };
  const outcomes: StepOutcome[] = [];
  const deadline = Date.now() + (options.deadlineMs ?? TOUR_DEADLINE_MS);
  try {
    for (const [i, step] of options.steps.entries()) {
      if (options.signal.aborted) break;
      options.write(`[${i + 1}/${options.steps.length}] ${step.title}`);
      const started = Date.now();
      const left = Math.max(0, deadline - started);
      const result = await withTimeout(step, ctx, options.signal, Math.min(step.timeoutMs, left));
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      outcomes.push({ id: step.id, seconds, ...result });
      for (const line of result.found) options.write(`    ${line}`);
      options.write(`    ${result.ok ? 'ok' : 'FAILED'} (${seconds} s)`);
    }
  } finally {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return outcomes;
}
