import { readProcStat } from '@vitals/core';
import { processOwnerUid } from '../table/process.table';

/** Why a target is not signalled. */
export type RefusalReason = 'init' | 'self' | 'ancestor' | 'other-user' | 'gone' | 'reused';

/** A process to signal, identified by pid AND start time (a pid alone can be reused). */
export interface ProcessTarget {
  readonly pid: number;
  /** From the process table; compared with `/proc/<pid>/stat` just before each signal. */
  readonly startTimeTicks: number;
}

/** Who is asking, and how far they may reach. */
export interface GuardContext {
  readonly selfPid: number;
  /** Effective uid of the caller; `undefined` on platforms without uids. */
  readonly selfUid: number | undefined;
  /** Pids of the caller's parent, grandparent… up to pid 1. */
  readonly ancestors: ReadonlySet<number>;
  /** Root only: also other users' processes. @default false */
  readonly allUsers: boolean;
  readonly procRoot: string;
}

/**
 * Pids of `pid`'s parent chain, read from `/proc/<pid>/stat` (stops at pid 0/1 or a loop).
 * @example ancestorsOf(process.pid).has(process.ppid) // true
 */
export function ancestorsOf(pid: number, procRoot = '/proc'): Set<number> {
  const out = new Set<number>();
  let current = readProcStat(pid, procRoot)?.ppid;
  while (current !== undefined && current > 0 && !out.has(current)) {
    out.add(current);
    current = current === 1 ? undefined : readProcStat(current, procRoot)?.ppid;
  }
  return out;
}

/**
 * Checks a target right before it is signalled: never pid 1, the caller, the caller's ancestors,
 * another user's process (unless the caller is root and `allUsers`), a process that is gone, or a
 * pid now held by another program (its start time differs from the recorded one).
 * @returns undefined when the target may be signalled, else the reason and a one-line message.
 * @example refuse({ pid: 1, startTimeTicks: 1 }, ctx)?.reason // 'init'
 */
export function refuse(
  target: ProcessTarget,
  ctx: GuardContext,
): { reason: RefusalReason; message: string } | undefined {
  const { pid } = target;
  if (pid === 1) return { reason: 'init', message: `pid 1 is init: never signalled` };
  if (pid === ctx.selfPid) return { reason: 'self', message: `pid ${pid} is this process` };
  if (ctx.ancestors.has(pid))
    return { reason: 'ancestor', message: `pid ${pid} is an ancestor of this process` };
  const stat = readProcStat(pid, ctx.procRoot);
  if (!stat || stat.state === 'Z')
    return { reason: 'gone', message: `pid ${pid} has already exited` };
  if (stat.startTimeTicks !== target.startTimeTicks) {
    return {
      reason: 'reused',
      message: `pid ${pid} now belongs to another process (start time changed): not signalled`,
    };
  }
  if (ctx.selfUid !== undefined) {
    const uid = processOwnerUid(pid, ctx.procRoot);
    const mayReach = uid === ctx.selfUid || (ctx.selfUid === 0 && ctx.allUsers);
    if (uid === undefined) return { reason: 'gone', message: `pid ${pid} has already exited` };
    if (!mayReach) {
      const hint = ctx.selfUid === 0 ? ' (add --all-users)' : '';
      return {
        reason: 'other-user',
        message: `pid ${pid} belongs to uid ${uid}, not to this user${hint}`,
      };
    }
  }
  return undefined;
}

/** True while `target` still runs as the same process (not gone, not a zombie, not reused). */
export function isSameProcessAlive(target: ProcessTarget, procRoot = '/proc'): boolean {
  const stat = readProcStat(target.pid, procRoot);
  return !!stat && stat.state !== 'Z' && stat.startTimeTicks === target.startTimeTicks;
}
