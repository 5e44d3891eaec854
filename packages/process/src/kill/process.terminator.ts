import { describeError, keepingAlive, systemClock } from '@vitals/core';
import type { Clock } from '@vitals/core';
import { ancestorsOf, isSameProcessAlive, refuse } from './process.guard';
import type { GuardContext, ProcessTarget, RefusalReason } from './process.guard';

/** What happened to one target. */
export interface TerminationOutcome {
  readonly pid: number;
  /**
   * `terminated` (exited after SIGTERM), `killed` (needed SIGKILL), `survived` (still there after
   * SIGKILL: uninterruptible sleep), `refused` (see `reason`), `gone` (exited before any signal),
   * `failed` (kill() raised an error).
   */
  readonly status: 'terminated' | 'killed' | 'survived' | 'refused' | 'gone' | 'failed';
  readonly reason?: RefusalReason;
  /** One line for the report. */
  readonly message: string;
}

/** Options of {@link terminateProcesses}. */
export interface TerminateOptions {
  /** Wait between SIGTERM and SIGKILL, ms. @default 5000 */
  readonly graceMs?: number;
  /** How often exit is checked, ms. @default 100 */
  readonly pollMs?: number;
  /** How long to wait for exit after SIGKILL, ms. @default 2000 */
  readonly killWaitMs?: number;
  /** Root only: allow other users' processes. @default false */
  readonly allUsers?: boolean;
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default process.pid */
  readonly selfPid?: number;
  /** @default process.geteuid() */
  readonly selfUid?: number;
  /** @default '/proc' */
  readonly procRoot?: string;
}

/**
 * Ends processes safely, all at once (their grace periods overlap): for each target the guard
 * runs first ({@link refuse}: pid 1, self, ancestors, other users, pid reuse), then SIGTERM; after
 * `graceMs` the start time is checked again and SIGKILL sent. Never throws for one target's fault:
 * each outcome is reported.
 * @example await terminateProcesses([{ pid, startTimeTicks }], { graceMs: 3000 })
 */
export async function terminateProcesses(
  targets: readonly ProcessTarget[],
  options: TerminateOptions = {},
): Promise<TerminationOutcome[]> {
  const selfPid = options.selfPid ?? process.pid;
  const procRoot = options.procRoot ?? '/proc';
  const ctx: GuardContext = {
    selfPid,
    selfUid: options.selfUid ?? process.geteuid?.(),
    ancestors: ancestorsOf(selfPid, procRoot),
    allUsers: options.allUsers ?? false,
    procRoot,
  };
  return keepingAlive(() => Promise.all(targets.map((t) => terminateOne(t, ctx, options))));
}

async function terminateOne(
  target: ProcessTarget,
  ctx: GuardContext,
  options: TerminateOptions,
): Promise<TerminationOutcome> {
  const { pid } = target;
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 100;
  const refusal = refuse(target, ctx);
  if (refusal?.reason === 'gone') return { pid, status: 'gone', message: refusal.message };
  if (refusal)
    return {
      pid,
      status: 'refused',
      reason: refusal.reason,
      message: `refused: ${refusal.message}`,
    };
  const sent = signal(pid, 'SIGTERM');
  if (sent) return sent;
  if (await waitForExit(target, options.graceMs ?? 5000, pollMs, clock, ctx.procRoot)) {
    return { pid, status: 'terminated', message: `pid ${pid} exited after SIGTERM` };
  }
  // The PID-reuse guard again: the grace period is long enough for the pid to change hands.
  const again = refuse(target, ctx);
  if (again) return { pid, status: 'terminated', message: `pid ${pid} exited after SIGTERM` };
  const killed = signal(pid, 'SIGKILL');
  if (killed) return killed;
  if (await waitForExit(target, options.killWaitMs ?? 2000, pollMs, clock, ctx.procRoot)) {
    return { pid, status: 'killed', message: `pid ${pid} ignored SIGTERM; killed with SIGKILL` };
  }
  return {
    pid,
    status: 'survived',
    message: `pid ${pid} is still there after SIGKILL (uninterruptible I/O?)`,
  };
}

function signal(pid: number, name: NodeJS.Signals): TerminationOutcome | undefined {
  try {
    process.kill(pid, name);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return { pid, status: 'gone', message: `pid ${pid} has already exited` };
    return {
      pid,
      status: 'failed',
      message: `${name} to pid ${pid} failed: ${describeError(error)}`,
    };
  }
}

/** Polls on `clock` until the target is gone (true) or `ms` have passed (false). */
async function waitForExit(
  target: ProcessTarget,
  ms: number,
  pollMs: number,
  clock: Clock,
  procRoot: string,
): Promise<boolean> {
  const start = clock.now();
  for (;;) {
    if (!isSameProcessAlive(target, procRoot)) return true;
    const left = ms - (clock.now() - start);
    if (left <= 0) return false;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, Math.min(pollMs, left)));
  }
}
