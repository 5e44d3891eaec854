import type { DuplicateGroup } from '../duplicates/duplicate.finder';
import type { ProcessInfo } from '../table/process.table';
import { refuse } from './process.guard';
import type { GuardContext } from './process.guard';

/** Which copy of each group survives: the oldest, the newest, or a given pid. */
export type KeepPolicy = 'oldest' | 'newest' | number;

/** What would happen to one duplicate group. */
export interface KillPlan {
  readonly group: DuplicateGroup;
  /** The copy that stays; undefined when the group is left alone (see `note`). */
  readonly keep?: ProcessInfo;
  /** Copies to stop, each with the reason it will be refused, if it will. */
  readonly stop: readonly { readonly process: ProcessInfo; readonly refusal?: string }[];
  readonly note?: string;
}

/**
 * Decides, per group, which copy stays (`keep`) and which are stopped, and previews the guard's
 * refusals. A pid `keep` acts only on the group that contains it. Nothing is signalled here.
 * @example planKills(groups, 'oldest', guardContext)
 */
export function planKills(
  groups: readonly DuplicateGroup[],
  keep: KeepPolicy,
  guard: GuardContext,
): KillPlan[] {
  return groups.map((group) => {
    const members = group.members;
    const keeper =
      keep === 'oldest'
        ? members[0]
        : keep === 'newest'
          ? members[members.length - 1]
          : members.find((m) => m.pid === keep);
    if (!keeper)
      return { group, stop: [], note: `--keep ${keep} is not in this group: left alone` };
    const others = members.filter((m) => m !== keeper);
    // Never stop the copy this command runs in (or its ancestors): keep it and stop nothing else.
    const protectedOne = others.find((m) => m.pid === guard.selfPid || guard.ancestors.has(m.pid));
    if (protectedOne) {
      return {
        group,
        stop: [],
        note: `pid ${protectedOne.pid} is this process or its ancestor: group left alone`,
      };
    }
    return {
      group,
      keep: keeper,
      stop: others.map((process) => ({ process, refusal: refuse(process, guard)?.message })),
    };
  });
}
