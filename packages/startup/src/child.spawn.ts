import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { ChildCommand } from './child.command';
import { mergeNodeOptions } from './node-options';
import { startupError } from './startup.errors';

/** How to start one child. */
export interface SpawnChildOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** Tuned flags put before the user's NODE_OPTIONS (Node children only). */
  readonly nodeOptions?: readonly string[];
  /** The agent to `--require`, with the token it must carry; none: no agent, no IPC. */
  readonly agent?: {
    readonly path: string;
    readonly token: string;
    readonly intervalMs: number;
    /** Measurement GC after this long without a major GC; 0 = off. @default 10000 */
    readonly measureAfterMs?: number;
    /** Share of wall time measurement GCs may pause the child. @default 0.01 */
    readonly measurePauseRatio?: number;
    /** No measurement GC above this heap used, bytes. @default 256 MiB */
    readonly measureMaxHeapBytes?: number;
    /** SIGTERM itself when the supervisor vanishes. @default false */
    readonly exitOnDisconnect?: boolean;
  };
  /** Values that must never reach the child (the HTTP token): variables holding them are removed. */
  readonly secrets?: readonly string[];
  /** Errors after the child started (a failed signal, an IPC error). */
  readonly onError: (error: Error) => void;
}

/**
 * The child's environment: the given one without systemd's notify variables (the supervisor
 * speaks for the service; a notify-aware child must not as well), without any `VITALS_*` variable
 * (they configure the supervisor and may hold its secrets, such as `VITALS_HTTP__TOKEN`), without
 * any variable whose value is one of `secrets`, plus, for a Node child, the merged NODE_OPTIONS and
 * the agent's variables.
 * @example childEnv(command, { env: process.env, onError }).NODE_OPTIONS
 */
export function childEnv(
  child: ChildCommand,
  options: SpawnChildOptions,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  const secrets = new Set((options.secrets ?? []).filter((s) => s.length > 0));
  for (const [key, value] of Object.entries(options.env)) {
    if (key.startsWith('VITALS_') || (value !== undefined && secrets.has(value))) continue;
    env[key] = value;
  }
  for (const key of ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID']) delete env[key];
  if (!child.isNode) return env;
  const { agent } = options;
  const nodeOptions = mergeNodeOptions(options.nodeOptions ?? [], env.NODE_OPTIONS, agent?.path);
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  if (agent) {
    env.VITALS_AGENT_TOKEN = agent.token;
    env.VITALS_AGENT_INTERVAL_MS = String(agent.intervalMs);
    if (agent.measureAfterMs !== undefined)
      env.VITALS_AGENT_MEASURE_AFTER_MS = String(agent.measureAfterMs);
    if (agent.measurePauseRatio !== undefined)
      env.VITALS_AGENT_MEASURE_PAUSE_RATIO = String(agent.measurePauseRatio);
    if (agent.measureMaxHeapBytes !== undefined)
      env.VITALS_AGENT_MEASURE_MAX_HEAP = String(agent.measureMaxHeapBytes);
    if (agent.exitOnDisconnect) env.VITALS_AGENT_EXIT_ON_DISCONNECT = '1';
  }
  return env;
}

/**
 * Spawns the child and resolves once it runs (Node's 'spawn' event), or rejects with a one-line
 * ERR_SUPERVISOR_SPAWN when it cannot start. stdin is ignored (a service reads no terminal), stdout
 * and stderr pass through or are piped to the given streams, and an IPC channel is opened for the
 * agent. `detached`: the child leads its own process group, so a terminal's Ctrl-C reaches it
 * once (through the supervisor) and SIGKILL on stop reaches its own children too.
 * @example const proc = await spawnChild(resolveChildCommand('app.js', [], process.execPath), { env, onError });
 */
export function spawnChild(child: ChildCommand, options: SpawnChildOptions): Promise<ChildProcess> {
  const stdio: StdioOptions = [
    'ignore',
    options.stdout ? 'pipe' : 'inherit',
    options.stderr ? 'pipe' : 'inherit',
    ...(options.agent ? (['ipc'] as const) : []),
  ];
  const proc = spawn(child.command, [...child.args], {
    cwd: options.cwd,
    env: childEnv(child, options),
    stdio,
    detached: true,
  });
  if (options.stdout) proc.stdout?.pipe(options.stdout, { end: false });
  if (options.stderr) proc.stderr?.pipe(options.stderr, { end: false });
  return new Promise((resolve, reject) => {
    proc.on('error', (error) => {
      if (proc.pid === undefined) reject(startupError.spawn(child.command, error));
      else options.onError(error);
    });
    proc.once('spawn', () => resolve(proc));
  });
}

/**
 * Signals the child's whole process group (it leads one: `detached`), falling back to the child
 * alone; a child that is already gone is not an error.
 * @example signalGroup(child, 'SIGKILL')
 */
export function signalGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (proc.pid) process.kill(-proc.pid, signal);
  } catch {
    try {
      proc.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * True while any process of the group led by `pid` is left (the leader itself, or what it
 * started and did not take down with it). A group we may not signal (EPERM) counts as alive.
 * @example if (groupAlive(child.pid)) signalGroup(child, 'SIGKILL');
 */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
