import type { HealthCheck } from '@vitals/core';
import { envNotSupplied, finding } from '../check.context';
import type { CheckContext } from '../check.context';

/**
 * `required-env`: every variable of `config.requiredEnv` is set. Missing is critical (the service
 * cannot work); set but empty is a warning; declared but unverifiable (no environment given to the
 * service) a warning.
 * @example requiredEnvCheck(ctx).run(snapshot)
 */
export function requiredEnvCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'required-env', area: 'environment' };
  return {
    ...check,
    run() {
      if (ctx.requiredEnv.length === 0)
        return [finding(check, 'ok', 'no required environment variables declared')];
      if (!ctx.env) {
        const names = ctx.requiredEnv.join(', ');
        return [
          envNotSupplied(
            check,
            `cannot check required variables ${names}: the environment was not passed to diagnostics`,
            'warning',
          ),
        ];
      }
      const env = ctx.env;
      const missing = ctx.requiredEnv.filter((name) => env[name] === undefined);
      const empty = ctx.requiredEnv.filter((name) => env[name] === '');
      if (missing.length > 0) {
        return [
          finding(
            check,
            'critical',
            `missing required environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`,
            {
              recommendation:
                'set them in the service environment (systemd `Environment=`/`EnvironmentFile=`, the container spec, or .env)',
              data: { missing, empty },
            },
          ),
        ];
      }
      if (empty.length > 0) {
        return [
          finding(
            check,
            'warning',
            `required environment variable${empty.length > 1 ? 's are' : ' is'} empty: ${empty.join(', ')}`,
            { recommendation: 'give them a value', data: { empty } },
          ),
        ];
      }
      return [
        finding(
          check,
          'ok',
          `all ${ctx.requiredEnv.length} required environment variables are set`,
          { data: { required: ctx.requiredEnv } },
        ),
      ];
    },
  };
}
