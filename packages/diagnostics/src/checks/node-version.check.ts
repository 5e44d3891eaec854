import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { nodeEolDate } from './node-eol.table';

/** An end of life closer than this is an info finding (time to plan the upgrade). */
export const EOL_NOTICE_DAYS = 180;

const DAY = 24 * 60 * 60 * 1000;

/**
 * `node-version`: the Node.js line against its end-of-life date (see `NODE_EOL`), judged on the
 * host clock: past end of life is a warning (no more security fixes), within
 * {@link EOL_NOTICE_DAYS} days info, odd (non-LTS) lines info.
 * @example nodeVersionCheck(ctx).run(snapshot)
 */
export function nodeVersionCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'node-version', area: 'environment' };
  return {
    ...check,
    run() {
      const major = Number(/^v?(\d+)/.exec(ctx.nodeVersion)?.[1]);
      const eol = nodeEolDate(major);
      const today = ctx.now();
      if (!eol) {
        return [
          finding(check, 'info', `Node.js ${ctx.nodeVersion}: end of life not in the table`, {
            data: { version: ctx.nodeVersion, major },
          }),
        ];
      }
      const days = Math.floor((eol.getTime() - today) / DAY);
      const date = eol.toISOString().slice(0, 10);
      const data = { version: ctx.nodeVersion, major, eol: date, daysLeft: days };
      const recommendation = `upgrade to a supported LTS line (even major, see https://nodejs.org/en/about/previous-releases)`;
      if (days < 0) {
        return [
          finding(
            check,
            'warning',
            `Node.js ${ctx.nodeVersion} reached end of life on ${date}: no more security fixes`,
            { figure: `EOL ${date}, ${-days} days ago`, recommendation, data },
          ),
        ];
      }
      if (days <= EOL_NOTICE_DAYS || major % 2 === 1) {
        const why = major % 2 === 1 ? ' (odd line, never LTS)' : '';
        return [
          finding(
            check,
            'info',
            `Node.js ${ctx.nodeVersion} reaches end of life on ${date}, in ${days} days${why}`,
            { figure: `EOL ${date}`, recommendation, data },
          ),
        ];
      }
      return [
        finding(check, 'ok', `Node.js ${ctx.nodeVersion}, supported until ${date}`, {
          figure: `EOL ${date}`,
          data,
        }),
      ];
    },
  };
}
