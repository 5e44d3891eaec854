import { VitalsError, describeError } from '../errors';

/**
 * Turns a `listen()` error into a one-line {@link VitalsError}: `ERR_HTTP_PORT_IN_USE` for
 * EADDRINUSE, `ERR_HTTP_LISTEN` with a hint for everything else.
 *
 * @example
 * listenError(Object.assign(new Error('x'), { code: 'EADDRINUSE' }), '127.0.0.1', 9477).message;
 * // 'port 9477 on 127.0.0.1 is already in use; set http.port to a free port (or 0 for any)'
 */
export function listenError(error: NodeJS.ErrnoException, host: string, port: number): VitalsError {
  if (error.code === 'EADDRINUSE') {
    return new VitalsError(
      'ERR_HTTP_PORT_IN_USE',
      `port ${port} on ${host} is already in use; set http.port to a free port (or 0 for any)`,
      { cause: error },
    );
  }
  const hint =
    error.code === 'EACCES'
      ? 'ports below 1024 need privileges; set http.port above 1023'
      : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
        ? 'this machine has no such address; set http.host to one of its addresses or 127.0.0.1'
        : 'check http.host and http.port';
  return new VitalsError(
    'ERR_HTTP_LISTEN',
    `cannot listen on ${host}:${port} (${error.code ?? describeError(error)}); ${hint}`,
    {
      cause: error,
    },
  );
}
