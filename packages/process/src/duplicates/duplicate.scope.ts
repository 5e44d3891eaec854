import { readProcessTable } from '../table/process.table';
import type { ProcessTableCache } from '../table/process.table';
import { findDuplicateGroups } from './duplicate.finder';
import type { DuplicateGroup } from './duplicate.finder';

/** Which duplicate groups count: see config `process.duplicates.scope`. */
export type DuplicateScope = 'self' | 'user' | 'all';

/** Options of {@link duplicatesInScope}. */
export interface DuplicateScopeOptions {
  readonly scope: DuplicateScope;
  readonly services?: readonly { readonly name: string; readonly match: string }[];
  /** @default process.pid */
  readonly selfPid?: number;
  /** @default process.geteuid() */
  readonly selfUid?: number;
  /** @default '/proc' */
  readonly procRoot?: string;
  /** For a scan repeated every few seconds (see ProcessTableCache). */
  readonly cache?: ProcessTableCache;
}

/**
 * Reads the process table and returns the duplicate groups in scope: `self` — the group of the
 * current process and the configured services; `user` — groups of the current user's processes;
 * `all` — every group.
 * @example duplicatesInScope({ scope: 'self' }).length > 0 // another copy of me is running
 */
export function duplicatesInScope(options: DuplicateScopeOptions): DuplicateGroup[] {
  const selfPid = options.selfPid ?? process.pid;
  const uid = options.selfUid ?? process.geteuid?.();
  const { procRoot, cache } = options;
  let table = readProcessTable({ procRoot, cache });
  if (options.scope === 'user' && uid !== undefined) table = table.filter((p) => p.uid === uid);
  const groups = findDuplicateGroups(table, {
    services: options.services,
    cwdOf: cache && ((pid) => cache.cwd(pid, procRoot)),
  });
  if (options.scope !== 'self') return groups;
  return groups.filter(
    (g) => g.key.startsWith('service:') || g.members.some((m) => m.pid === selfPid),
  );
}
