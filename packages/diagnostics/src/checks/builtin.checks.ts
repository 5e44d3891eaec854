import type { Finding, HealthCheck } from '@vitals/core';
import { finding } from '../check.context';
import { MACHINE } from '../process.subject';
import type { CheckContext, CheckFactory } from '../check.context';
import { cpuQuotaCheck } from './cpu-quota.check';
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
  cpuQuotaCheck,
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

/** Checks whose every figure is the diagnosed process's own (the others say `machine:` themselves). */
const PROCESS_SCOPED = new Set([
  'process',
  'fds',
  'threads',
  'heap',
  'heap-limit',
  'gc',
  'event-loop',
  'handles',
  'node-version',
  'node-env',
  'node-options',
  'required-env',
  'environment',
]);

/**
 * Says whose figure each finding of a process check is: its message starts with the subject
 * (`pid 1234 (node bot.js): …`) and its data carries `scope: 'process'` and the pid.
 */
function owned(check: HealthCheck, ctx: CheckContext): HealthCheck {
  if (!PROCESS_SCOPED.has(check.name)) return check;
  const label = (f: Finding): Finding => {
    const said = f.message.startsWith(ctx.subject) || f.message.startsWith(`${MACHINE}:`);
    return {
      ...f,
      message: said ? f.message : `${ctx.subject}: ${f.message}`,
      data: { scope: 'process', pid: ctx.pid, ...f.data },
    };
  };
  return {
    ...check,
    run: async (snapshot) => {
      const findings = await check.run(snapshot);
      return Array.isArray(findings) ? findings.map(label) : findings;
    },
  };
}

/**
 * The built-in checks for a context: all of them for this process; for another pid the machine
 * and `/proc` ones, plus the environment ones when its environment could be read (else one info
 * finding saying so); its heap, GC and event loop cannot be read from outside. Every finding says
 * whose figure it is: `machine: …` or the diagnosed process's subject (`pid 1234 (node bot.js): …`).
 * @example builtinChecks(ctx).map((c) => c.name)
 */
export function builtinChecks(ctx: CheckContext): HealthCheck[] {
  const list = ctx.self
    ? [...ANY_PROCESS, ...RUNTIME, ...ENVIRONMENT]
    : ctx.env
      ? [...ANY_PROCESS, ...ENVIRONMENT]
      : [...ANY_PROCESS, environUnreadable];
  return list.map((make) => owned(make(ctx), ctx));
}
