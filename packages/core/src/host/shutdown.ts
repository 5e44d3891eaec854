import { describeError } from '../errors';
import type { Logger } from '../logging/logger';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { withDeadline } from '../util/deadline';
import type { ShutdownHook } from './hooks.types';

/** A hook or plugin that failed or was abandoned during shutdown. */
export interface ShutdownFailure {
  readonly step: string;
  readonly message: string;
  readonly timedOut: boolean;
}

/**
 * Runs shutdown hooks one after another, lowest `order` first, within one overall deadline. A hook
 * that throws is logged and the next runs; one that hangs is abandoned when the deadline is
 * reached, named in the log, and the hooks after it are skipped (also named).
 */
export async function runShutdownHooks(
  hooks: readonly ShutdownHook[],
  options: { deadlineMs: number; reason: string; logger: Logger; clock?: Clock },
): Promise<ShutdownFailure[]> {
  const clock = options.clock ?? systemClock;
  const ends = clock.now() + options.deadlineMs;
  const failures: ShutdownFailure[] = [];
  const ordered = [...hooks].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  for (const [i, hook] of ordered.entries()) {
    const left = ends - clock.now();
    if (left <= 0) {
      for (const skipped of ordered.slice(i)) {
        const message = 'skipped: the shutdown deadline had passed';
        failures.push({ step: `hook ${skipped.name}`, message, timedOut: true });
        options.logger.error({ hook: skipped.name }, `shutdown hook ${skipped.name} ${message}`);
      }
      break;
    }
    const result = await withDeadline(
      () => hook.run(options.reason),
      left,
      `shutdown hook "${hook.name}"`,
      clock,
    );
    if (!result.ok) {
      const message = result.timedOut
        ? `abandoned at the shutdown deadline (${options.deadlineMs} ms)`
        : `threw: ${describeError(result.error)}`;
      failures.push({ step: `hook ${hook.name}`, message, timedOut: result.timedOut });
      options.logger.error({ hook: hook.name }, `shutdown hook ${hook.name} ${message}`);
    }
  }
  return failures;
}
