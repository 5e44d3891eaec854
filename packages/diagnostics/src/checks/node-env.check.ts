import type { HealthCheck } from '@vitals/core';
import { envNotSupplied, finding } from '../check.context';
import type { CheckContext } from '../check.context';

const KNOWN = new Set(['production', 'development', 'test', 'staging']);

/**
 * `node-env`: NODE_ENV. `production` is ok; unset, `development` or `test` is info (frameworks
 * such as Express and React keep their slower debug paths); any other value is a warning, since
 * libraries compare with the exact string `production` (`prod` or `Production` turn nothing on).
 * @example nodeEnvCheck(ctx).run(snapshot)
 */
export function nodeEnvCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'node-env', area: 'environment' };
  return {
    ...check,
    run() {
      if (!ctx.env) return [envNotSupplied(check)];
      const value = ctx.env.NODE_ENV;
      const recommendation = 'set NODE_ENV=production on servers';
      if (value === undefined || value === '') {
        return [finding(check, 'info', 'NODE_ENV is not set', { recommendation })];
      }
      if (value === 'production')
        return [finding(check, 'ok', 'NODE_ENV=production', { data: { value } })];
      if (KNOWN.has(value)) {
        return [
          finding(check, 'info', `NODE_ENV=${value}: not production`, {
            recommendation,
            data: { value },
          }),
        ];
      }
      return [
        finding(
          check,
          'warning',
          `NODE_ENV=${JSON.stringify(value)} is not a value libraries recognise`,
          {
            recommendation:
              'use exactly "production" (or development/test): libraries compare the exact string',
            data: { value },
          },
        ),
      ];
    },
  };
}
