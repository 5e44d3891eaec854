import { config as rxConfig } from 'rxjs/internal/config';
import type { Logger } from '../logging/logger';

/*
 * RxJS reports an error thrown by a subscriber's `next` (or an unhandled `error`) by rethrowing it
 * from a timer, which would crash the process. While a host runs, those reports go to the running
 * hosts' loggers instead, so one bad subscriber never takes the service down. A handler the
 * application installed itself is left alone.
 */
const loggers = new Set<Logger>();
let installed = false;

function report(error: unknown): void {
  for (const logger of loggers) {
    logger.error(
      { err: error },
      'a subscriber of the metric stream (or another RxJS subscriber) threw; it was isolated and publishing goes on',
    );
  }
}

/** Routes RxJS unhandled errors to `logger` until the returned function is called. */
export function reportRxErrorsTo(logger: Logger): () => void {
  if (!installed && !rxConfig.onUnhandledError) {
    rxConfig.onUnhandledError = report;
    installed = true;
  }
  loggers.add(logger);
  return () => {
    loggers.delete(logger);
    if (installed && loggers.size === 0) {
      rxConfig.onUnhandledError = null;
      installed = false;
    }
  };
}
