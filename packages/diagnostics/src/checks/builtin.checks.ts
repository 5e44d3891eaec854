import type { HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext, CheckFactory } from '../check.context';
import { diskCheck } from './disk.check';
import { eventLoopCheck } from './event-loop.check';
import { fdsCheck } from './fds.check';
import { gcCheck } from './gc.check';
import { handlesCheck } from './handles.check';
import { heapLimitCheck } from './heap-limit.check';
import { heapCheck } from './heap.check';
import { loadCheck } from './load.check';
import { memoryCheck } from './memory.check';
import { nodeEnvCheck } from './node-env.check';
import { nodeOptionsCheck } from './node-options.check';
import { nodeVersionCheck } from './node-version.check';
import { processCheck } from './process.check';
import { requiredEnvCheck } from './required-env.check';
import { swapCheck } from './swap.check';
import { threadsCheck } from './threads.check';

/** Machine-wide checks and checks of any process read from outside (`--pid`). */
const ANY_PROCESS: CheckFactory[] = [
  memoryCheck,
  swapCheck,
  loadCheck,
  diskCheck,
  processCheck,
  fdsCheck,
  threadsCheck,
];
/** Checks of the process's environment: this process, or another whose `/proc/<pid>/environ` was read. */
const ENVIRONMENT: CheckFactory[] = [nodeEnvCheck, nodeOptionsCheck, requiredEnvCheck];
/** Checks of this process's runtime (in process, or `vitals diagnose` itself). */
const RUNTIME: CheckFactory[] = [
  heapCheck,
  heapLimitCheck,
  gcCheck,
  eventLoopCheck,
  handlesCheck,
  nodeVersionCheck,
];

/** Says why another process's environment checks did not run (its `environ` is unreadable). */
const environUnreadable: CheckFactory = (ctx) => {
  const check = { name: 'environment', area: 'environment' };
  return {
    ...check,
    run: () => [
      finding(
        check,
        'info',
        `cannot read ${ctx.procRoot}/${ctx.pid}/environ: environment not checked`,
        {
          recommendation:
            "run as the process's user or as root to check NODE_ENV, NODE_OPTIONS and required variables",
        },
      ),
    ],
  };
};

/**
 * The built-in checks for a context: all of them for this process; for another pid the machine
 * and `/proc` ones, plus the environment ones when its environment could be read (else one info
 * finding saying so); its heap, GC and event loop cannot be read from outside.
 * @example builtinChecks(ctx).map((c) => c.name)
 */
export function builtinChecks(ctx: CheckContext): HealthCheck[] {
  const list = ctx.self
    ? [...ANY_PROCESS, ...RUNTIME, ...ENVIRONMENT]
    : ctx.env
      ? [...ANY_PROCESS, ...ENVIRONMENT]
      : [...ANY_PROCESS, environUnreadable];
  return list.map((make) => make(ctx));
}
