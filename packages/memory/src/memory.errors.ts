import { VitalsError } from '@vitals/core';

/** Error codes of @vitals/memory. */
export type MemoryErrorCode =
  | 'ERR_SNAPSHOT_RATE_LIMITED'
  | 'ERR_SNAPSHOT_DISK_FULL'
  | 'ERR_SNAPSHOT_FAILED'
  | 'ERR_SNAPSHOT_SIGNAL'
  | 'ERR_SNAPSHOT_NO_PROCESS'
  | 'ERR_HEAP_SNAPSHOT_FORMAT'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_USAGE';

/**
 * A one-line VitalsError of this package.
 * @example throw memoryError('ERR_SNAPSHOT_DISK_FULL', 'only 120 MB free in /tmp; need 1 GB')
 */
export function memoryError(code: MemoryErrorCode, message: string, cause?: unknown): VitalsError {
  return new VitalsError(code, message, cause === undefined ? undefined : { cause });
}
