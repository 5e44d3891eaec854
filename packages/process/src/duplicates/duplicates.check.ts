import type { Finding, HealthCheck } from '@vitals/core';
import { duplicatesInScope } from './duplicate.scope';
import type { DuplicateScopeOptions } from './duplicate.scope';

/**
 * Health check `duplicates` (area `process`): a warning per group of duplicate processes in scope
 * (by default: copies of the current process and of configured services), naming the pids and
 * the oldest; `ok` when there are none.
 * @example createDuplicatesCheck({ scope: 'self' }).run(snapshot)
 */
export function createDuplicatesCheck(options: DuplicateScopeOptions): HealthCheck {
  return {
    name: 'duplicates',
    area: 'process',
    run(): Finding[] {
      const groups = duplicatesInScope(options);
      if (groups.length === 0) {
        return [
          {
            check: 'duplicates',
            area: 'process',
            severity: 'ok',
            message: 'no duplicate process is running',
          },
        ];
      }
      return groups.map((g) => {
        const pids = g.members.map((m) => m.pid);
        return {
          check: 'duplicates',
          area: 'process',
          severity: 'warning',
          message: `${g.members.length} copies of ${g.name} are running: pids ${pids.join(', ')} (oldest ${g.oldest.pid})`,
          recommendation:
            'stop the extra copies: `vitals kill-duplicates` shows what it would end (it keeps the oldest)',
          data: { group: g.name, pids, oldest: g.oldest.pid },
        };
      });
    },
  };
}
