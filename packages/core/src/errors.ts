/** Stable error codes of Vitals; plugins add their own in `<pkg>.errors.ts`. */
export type VitalsErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_FILE'
  | 'ERR_PLUGIN_DEPENDENCY'
  | 'ERR_PLUGIN_DUPLICATE'
  | 'ERR_PLUGIN_REGISTER'
  | 'ERR_PLUGIN_START'
  | 'ERR_PLUGIN_NOT_FOUND'
  | 'ERR_LIFECYCLE_TIMEOUT'
  | 'ERR_LIFECYCLE_STATE'
  | 'ERR_DESCRIPTOR_CONFLICT'
  | 'ERR_HTTP_TOKEN_REQUIRED'
  | 'ERR_HTTP_PORT_IN_USE'
  | 'ERR_HTTP_LISTEN'
  | 'ERR_HTTP_ROUTE_CONFLICT'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_USAGE'
  | (string & {});

/**
 * Base error of Vitals: a stable `code`, a one-line message that says what was wrong and what to
 * do, and the `cause`.
 */
export class VitalsError extends Error {
  override readonly name = 'VitalsError';

  constructor(
    readonly code: VitalsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `error` is a VitalsError, optionally with the given code. */
export function isVitalsError(error: unknown, code?: VitalsErrorCode): error is VitalsError {
  return (
    error instanceof Error &&
    (error as VitalsError).name === 'VitalsError' &&
    (code === undefined || (error as VitalsError).code === code)
  );
}

/** A one-line description of any thrown value, for logs and reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
