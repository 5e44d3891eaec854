import { asInjectionToken } from '@vitals/core';
import type { HostHandle } from '@vitals/core';
import { memoryError } from '../memory.errors';
import { MEMORY_SERVICE } from '../memory.tokens';

/**
 * Registers a cache that `emergencyCleanup()` clears, on a host that has the memory plugin.
 * Returns a function that unregisters it.
 *
 * @example const off = registerCache(host, 'sessions', () => sessions.clear());
 */
export function registerCache(
  host: Pick<HostHandle, 'container'>,
  name: string,
  clear: () => void | number | Promise<void | number>,
): () => void {
  if (!host.container.isRegistered(MEMORY_SERVICE, true)) {
    throw memoryError(
      'ERR_INVALID_ARGUMENT',
      'registerCache: this host has no memory plugin; add memoryPlugin() to its plugins',
    );
  }
  return host.container.resolve(asInjectionToken(MEMORY_SERVICE)).registerCache(name, clear);
}
