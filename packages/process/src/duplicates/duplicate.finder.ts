import type { ProcessInfo } from '../table/process.table';
import { processCwd } from '../table/process.table';
import { normalizeCommand } from './command.normalizer';
import { matchesService } from './service.matcher';

/** Processes running the same program, oldest first. */
export interface DuplicateGroup {
  /** Grouping key: `cmd:<normalized command>` or `service:<name>`. */
  readonly key: string;
  /** What the group runs: the normalized command line, or the configured service name. */
  readonly name: string;
  /** Two or more, sorted by start time (oldest first, then pid). */
  readonly members: readonly ProcessInfo[];
  /** `members[0]`. */
  readonly oldest: ProcessInfo;
}

/** Options of {@link findDuplicateGroups}. */
export interface FindDuplicatesOptions {
  /** Services identified by their program and arguments (see `matchesService`); their copies group by name. @default [] */
  readonly services?: readonly { readonly name: string; readonly match: string }[];
  /** Working folder of a pid, to resolve relative script paths. @default `/proc/<pid>/cwd` */
  readonly cwdOf?: (pid: number) => string | undefined;
}

/**
 * Groups processes that run the same program: the same normalized command line (see
 * {@link normalizeCommand}), or the same configured service. Zombies and kernel threads are left
 * out, and so is a member whose parent is in the same group — a cluster or `fork()` worker is part
 * of its parent's program, not a second copy.
 * @returns only groups with two or more copies, the largest first.
 * @example findDuplicateGroups(readProcessTable()).map((g) => g.oldest.pid)
 */
export function findDuplicateGroups(
  table: readonly ProcessInfo[],
  options: FindDuplicatesOptions = {},
): DuplicateGroup[] {
  const cwdOf = options.cwdOf ?? ((pid: number) => processCwd(pid));
  const services = options.services ?? [];
  const byKey = new Map<string, { name: string; members: ProcessInfo[] }>();
  for (const proc of table) {
    if (proc.state === 'Z' || proc.argv.length === 0) continue;
    const normalized = normalizeCommand(proc.argv, cwdOf(proc.pid));
    if (!normalized) continue;
    const service = services.find((s) => matchesService(s.match, normalized));
    const key = service ? `service:${service.name}` : `cmd:${normalized.key}`;
    const entry = byKey.get(key) ?? {
      name: service ? service.name : normalized.display,
      members: [],
    };
    entry.members.push(proc);
    byKey.set(key, entry);
  }
  const groups: DuplicateGroup[] = [];
  for (const [key, { name, members }] of byKey) {
    const pids = new Set(members.map((m) => m.pid));
    const roots = members
      .filter((m) => !pids.has(m.ppid))
      .sort((a, b) => a.startTimeTicks - b.startTimeTicks || a.pid - b.pid);
    if (roots.length >= 2) groups.push({ key, name, members: roots, oldest: roots[0] });
  }
  return groups.sort((a, b) => b.members.length - a.members.length || a.oldest.pid - b.oldest.pid);
}

/** Surplus copies in `groups`: every member beyond the first of each group. */
export function countSurplus(groups: readonly DuplicateGroup[]): number {
  return groups.reduce((sum, g) => sum + g.members.length - 1, 0);
}
