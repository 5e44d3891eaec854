import { createInterface } from 'node:readline/promises';
import type { CliContext } from '@vitals/core';
import { flag } from './command.deps';
import type { CommandDeps } from './command.deps';

/**
 * Whether a dangerous action may go ahead: yes with `--yes`; otherwise only after the user
 * answers `y` to a prompt, which is asked only when both stdin and stdout are terminals. In a
 * pipe or a script without `--yes` the answer is no: the command stays a dry run.
 * @example if (!(await confirmAction(ctx, deps, 'Stop 2 processes?'))) return 0;
 */
export async function confirmAction(
  ctx: CliContext,
  deps: CommandDeps,
  question: string,
): Promise<boolean> {
  if (flag(ctx, 'yes')) return true;
  const stdin = deps.stdin ?? process.stdin;
  if (!stdin.isTTY || !ctx.stdout.isTTY) return false;
  const rl = createInterface({ input: stdin, output: ctx.stdout, terminal: true });
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: ctx.stopSignal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false; // Ctrl-C or stop signal: treat as no.
  } finally {
    rl.close();
  }
}
