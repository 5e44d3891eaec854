import type { TourPaths } from './tour.process';

/** What a tour step sees: where the binaries are, a scratch folder, the children's environment. */
export interface TourContext {
  readonly paths: TourPaths;
  /** A fresh temporary folder, removed after the tour. */
  readonly dir: string;
  /** A config file for `vitals run` in the tour: HTTP on a free port, so no 9477 clash. */
  readonly configFile: string;
  /** Environment of every child (PATH, HOME, TMPDIR, LANG only: no secrets are passed on). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A token unique to this tour, put on every bot's command line so only its own are touched. */
  readonly tag: string;
  /** Prints one progress line. */
  say(line: string): void;
}

/** What a step found: passed or not, and one line per fact worth showing. */
export interface StepResult {
  readonly ok: boolean;
  readonly found: readonly string[];
}

/** One stop of the tour. */
export interface TourStep {
  readonly id: string;
  readonly title: string;
  /** Upper bound of the step; past it the step fails and its processes are stopped. */
  readonly timeoutMs: number;
  run(ctx: TourContext, signal: AbortSignal): Promise<StepResult>;
}
