import type { DependencyContainer } from 'tsyringe';
import type { Token } from '@vitals/core';
import { asInjectionToken } from '@vitals/core';

/**
 * The service another plugin registered on `token`, or `undefined` when that plugin is not
 * installed (startup works without memory, process and diagnostics, and says so).
 * @example const lock = resolveOptional(container, INSTANCE_LOCK);
 */
export function resolveOptional<T>(container: DependencyContainer, token: Token<T>): T | undefined {
  return container.isRegistered(token, true)
    ? container.resolve(asInjectionToken(token))
    : undefined;
}
