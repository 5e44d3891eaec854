import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:os';
import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';
import type { Cancel, Clock, InstanceLock, Logger, Sample } from '@vitals/core';
import { METRICS, createNoopLogger, describeError, systemClock } from '@vitals/core';
import { AGENT_PATH, agentBatch, parseAgentMessage } from './agent.channel';
import { defaultServiceName, readRssFromProc, resolveChildCommand } from './child.command';
import type { ChildCommand } from './child.command';
import { MemoryWatch } from './memory.watch';
import { mergeNodeOptions } from './node-options';
import { RestartPolicy } from './restart.policy';
import { startupError } from './startup.errors';
import { SUPERVISOR_METRICS } from './supervisor.metrics';
import type { SupervisorDeps, SupervisorEvent, SupervisorOptions } from './supervisor.options';

type State = 'idle' | 'running' | 'waiting' | 'stopping' | 'done';

/** Exit code of a process: its code, or 128 + the signal's number (the shell's convention). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/**
 * Runs one child process and keeps it running: restarts on a crash with exponential backoff up
 * to a limit, restarts gracefully when RSS stays over a ceiling, stops it with SIGTERM then SIGKILL
 * after a grace, never runs two children at once, and publishes the child's heap, GC and
 * event-loop metrics (from the agent) on the metric stream. Signals come in through `stop()` and
 * `forward()`, so the class never touches the supervisor's own process handlers.
 * @example
 * const sup = new Supervisor({ command: 'node', args: ['app.js'], env: process.env }, { stream, logger });
 * const code = await sup.run();
 */
export class Supervisor {
  readonly name: string;
  private readonly events = new Subject<SupervisorEvent>();
  /** Everything the supervisor does, in order; completes when it is done. */
  readonly events$: Observable<SupervisorEvent> = this.events.asObservable();
  /** Resolves with the exit code once the supervisor is done (after `start()` resolved). */
  readonly done: Promise<number>;

  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly child: ChildCommand;
  private readonly policy: RestartPolicy;
  private readonly memory: MemoryWatch | undefined;
  private readonly token = randomUUID();
  private readonly readRss: (pid: number) => number | undefined;
  private state: State = 'idle';
  private proc: ChildProcess | undefined;
  private startedAt = 0;
  private restarts = 0;
  private lastExitCode = 0;
  private lastAgentAt: number | undefined;
  private memoryRestartPending = false;
  private lock: InstanceLock | undefined;
  private cancelRestart: Cancel | undefined;
  private cancelKill: Cancel | undefined;
  private cancelMemory: Cancel | undefined;
  private resolveDone!: (code: number) => void;

  constructor(
    private readonly options: SupervisorOptions,
    private readonly deps: SupervisorDeps = {},
  ) {
    this.child = resolveChildCommand(options.command, options.args ?? [], process.execPath);
    this.name = options.name ?? defaultServiceName(options.command, options.args ?? []);
    this.logger = (deps.logger ?? createNoopLogger()).child({ service: this.name });
    this.clock = deps.clock ?? systemClock;
    this.readRss = deps.readRssBytes ?? readRssFromProc;
    this.policy = new RestartPolicy({
      maxRestarts: options.maxRestarts,
      windowMs: options.restartWindowMs,
      initialDelayMs: options.backoffInitialMs,
      maxDelayMs: options.backoffMaxMs,
      resetAfterMs: options.backoffResetMs,
    });
    if (options.maxMemoryBytes !== undefined) {
      this.memory = new MemoryWatch(options.maxMemoryBytes, options.maxMemoryForMs ?? 30_000);
    }
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Takes the lock and starts the first child; rejects when either fails. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw startupError.alreadyRunning(this.name);
    if (this.deps.lock) this.lock = this.deps.lock.acquire(this.name, { dir: this.options.lockDir });
    else this.logger.info('no single-instance lock: @vitals/process is not installed');
    this.state = 'running';
    try {
      await this.spawnChild();
    } catch (error) {
      this.finish(127);
      throw error;
    }
    this.deps.notifier?.startWatchdog(() => this.healthy());
  }

  /** `start()`, then the exit code once done. */
  async run(): Promise<number> {
    await this.start();
    return this.done;
  }

  /** The current child's pid, if one runs. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** True while a child runs and (for a Node child with the agent) reports on time. */
  healthy(): boolean {
    if (this.state !== 'running' || !this.proc) return false;
    if (!this.agentEnabled()) return true;
    const interval = this.options.agentIntervalMs ?? 1000;
    return this.lastAgentAt !== undefined && this.clock.now() - this.lastAgentAt <= interval * 3;
  }

  /**
   * Stops: no more restarts, `signal` to the child, SIGKILL to its process group after the kill
   * timeout. Idempotent; resolves with the exit code.
   */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    if (this.state === 'done' || this.state === 'stopping') return this.done;
    const wasIdle = this.state === 'idle';
    this.state = 'stopping';
    this.cancelRestart?.();
    void this.deps.notifier?.stopping();
    if (!this.proc) this.finish(wasIdle ? 0 : this.lastExitCode);
    else this.terminate(signal);
    return this.done;
  }

  /** Stops at once: SIGKILL to the child's process group (a second Ctrl-C). */
  kill(): Promise<number> {
    const done = this.stop('SIGKILL');
    this.killGroup('SIGKILL');
    return done;
  }

  /** Sends `signal` to the child (SIGHUP to reload, SIGUSR2, …). False when no child runs. */
  forward(signal: NodeJS.Signals): boolean {
    if (!this.proc?.pid || this.proc.exitCode !== null) return false;
    this.emit({ type: 'signal', pid: this.proc.pid, signal });
    return this.proc.kill(signal);
  }

  private agentEnabled(): boolean {
    return this.child.isNode && this.options.agent !== false;
  }

  private childEnv(): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = { ...this.options.env };
    // The supervisor speaks for the service to systemd; a notify-aware child must not as well.
    for (const key of ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID']) delete env[key];
    if (!this.child.isNode) return env;
    const agent = this.agentEnabled() ? (this.options.agentPath ?? AGENT_PATH) : undefined;
    const nodeOptions = mergeNodeOptions(this.options.nodeOptions ?? [], env.NODE_OPTIONS, agent);
    if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
    if (agent) {
      env.VITALS_AGENT_TOKEN = this.token;
      env.VITALS_AGENT_INTERVAL_MS = String(this.options.agentIntervalMs ?? 1000);
    }
    return env;
  }

  private spawnChild(): Promise<void> {
    const withAgent = this.agentEnabled();
    const stdio: StdioOptions = [
      'ignore',
      this.options.stdout ? 'pipe' : 'inherit',
      this.options.stderr ? 'pipe' : 'inherit',
      ...(withAgent ? (['ipc'] as const) : []),
    ];
    // detached: the child leads its own process group, so a terminal's Ctrl-C reaches it once
    // (through us) and SIGKILL on stop reaches its own children too.
    const proc = spawn(this.child.command, [...this.child.args], {
      cwd: this.options.cwd,
      env: this.childEnv(),
      stdio,
      detached: true,
    });
    if (this.options.stdout) proc.stdout?.pipe(this.options.stdout, { end: false });
    if (this.options.stderr) proc.stderr?.pipe(this.options.stderr, { end: false });
    return new Promise((resolve, reject) => {
      proc.on('error', (error) => {
        if (proc.pid === undefined) return reject(startupError.spawn(this.options.command, error));
        this.logger.warn({ err: describeError(error) }, 'child process error');
      });
      proc.once('spawn', () => {
        this.proc = proc;
        this.startedAt = this.clock.now();
        this.lastAgentAt = undefined;
        this.memory?.reset();
        proc.on('exit', (code, signal) => this.onExit(proc, code, signal));
        proc.on('message', (raw) => this.onMessage(proc, raw));
        this.logger.info({ pid: proc.pid, restarts: this.restarts, agent: withAgent }, 'child started');
        this.emit({ type: 'spawn', pid: proc.pid!, restarts: this.restarts, agent: withAgent });
        this.publish([{ name: SUPERVISOR_METRICS.childUp, value: 1 }]);
        if (!withAgent) void this.deps.notifier?.ready(`${this.name} running`);
        this.scheduleMemoryCheck();
        resolve();
      });
    });
  }

  private onMessage(proc: ChildProcess, raw: unknown): void {
    const msg = parseAgentMessage(raw, this.token);
    if (!msg || proc !== this.proc) return;
    this.lastAgentAt = this.clock.now();
    if (msg.type === 'hello') {
      this.emit({ type: 'agent', pid: proc.pid!, node: msg.node });
      void this.deps.notifier?.ready(`${this.name} running`);
      return;
    }
    this.deps.stream?.publish(agentBatch(msg.samples, { service: this.name, pid: String(proc.pid) }, this.clock.now()));
  }

  private scheduleMemoryCheck(): void {
    this.cancelMemory?.();
    if (!this.memory && !this.deps.stream) return;
    this.cancelMemory = this.clock.setTimeout(() => this.checkMemory(), this.options.memoryCheckIntervalMs ?? 1000);
  }

  private checkMemory(): void {
    const proc = this.proc;
    if (!proc?.pid || this.state !== 'running' || this.memoryRestartPending) return;
    const rss = this.readRss(proc.pid);
    if (rss !== undefined) {
      this.deps.stream?.publish(agentBatch([{ name: METRICS.processRssBytes, value: rss }], { service: this.name, pid: String(proc.pid) }, this.clock.now()));
      const verdict = this.memory?.observe(this.clock.now(), rss);
      if (verdict?.action === 'over') this.emit({ type: 'memory-over', pid: proc.pid, rssBytes: rss, sinceMs: verdict.sinceMs });
      if (verdict?.action === 'restart') {
        if (this.policy.recordRestart(this.clock.now())) {
          this.logger.warn({ pid: proc.pid, rssBytes: rss, limitBytes: this.memory!.limitBytes, overForMs: verdict.overForMs }, 'RSS stayed over the memory ceiling: restarting the child gracefully');
          this.memoryRestartPending = true;
          this.emit({ type: 'restart-scheduled', reason: 'memory', delayMs: 0, attempt: this.restarts + 1 });
          this.terminate('SIGTERM');
          return;
        }
        this.logger.error({ pid: proc.pid, rssBytes: rss }, 'RSS over the memory ceiling but the restart limit is reached: leaving the child running');
      }
    }
    this.scheduleMemoryCheck();
  }

  private terminate(signal: NodeJS.Signals): void {
    const proc = this.proc;
    if (!proc?.pid) return;
    this.emit({ type: 'signal', pid: proc.pid, signal });
    try {
      proc.kill(signal);
    } catch (error) {
      this.logger.warn({ err: describeError(error), signal }, 'could not signal the child');
    }
    this.cancelKill?.();
    const killTimeoutMs = this.options.killTimeoutMs ?? 5000;
    this.cancelKill = this.clock.setTimeout(() => {
      if (this.proc !== proc) return;
      this.logger.warn({ pid: proc.pid, killTimeoutMs }, `child did not exit within ${killTimeoutMs} ms of ${signal}: SIGKILL`);
      this.killGroup('SIGKILL');
    }, killTimeoutMs);
  }

  private killGroup(signal: NodeJS.Signals): void {
    const pid = this.proc?.pid;
    if (!pid) return;
    this.emit({ type: 'signal', pid, signal });
    try {
      process.kill(-pid, signal);
    } catch {
      this.proc?.kill(signal);
    }
  }

  private onExit(proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (proc !== this.proc) return;
    this.proc = undefined;
    this.cancelKill?.();
    this.cancelMemory?.();
    const now = this.clock.now();
    const uptimeMs = now - this.startedAt;
    this.lastExitCode = exitCodeOf(code, signal);
    this.logger.info({ pid: proc.pid, code, signal, uptimeMs }, 'child exited');
    this.emit({ type: 'exit', pid: proc.pid!, code, signal, uptimeMs });
    this.publish([{ name: SUPERVISOR_METRICS.childUp, value: 0 }]);
    if (this.state === 'stopping') return this.finish(this.lastExitCode);
    if (this.memoryRestartPending) {
      this.memoryRestartPending = false;
      return this.respawn();
    }
    const restart = this.options.restart ?? 'on-failure';
    if (restart === 'never' || (code === 0 && restart === 'on-failure')) return this.finish(this.lastExitCode);
    const decision = this.policy.onCrash(now, uptimeMs);
    if (!decision.restart) {
      this.logger.error({ restarts: decision.restarts, windowMs: decision.windowMs }, `child crashed ${decision.restarts + 1} times within ${decision.windowMs} ms: giving up`);
      this.emit({ type: 'give-up', restarts: decision.restarts, windowMs: decision.windowMs });
      return this.finish(this.lastExitCode);
    }
    this.state = 'waiting';
    this.logger.warn({ delayMs: decision.delayMs, attempt: decision.attempt }, 'child crashed: restarting after backoff');
    this.emit({ type: 'restart-scheduled', reason: 'crash', delayMs: decision.delayMs, attempt: decision.attempt });
    this.cancelRestart = this.clock.setTimeout(() => {
      this.cancelRestart = undefined;
      if (this.state !== 'waiting') return;
      this.state = 'running';
      this.respawn();
    }, decision.delayMs);
  }

  private respawn(): void {
    this.restarts++;
    this.publish([{ name: SUPERVISOR_METRICS.restarts, value: this.restarts }]);
    this.spawnChild().catch((error: unknown) => {
      this.logger.error({ err: describeError(error) }, 'could not restart the child: giving up');
      this.finish(127);
    });
  }

  private publish(samples: Sample[]): void {
    this.deps.stream?.publish({
      source: 'startup.supervisor',
      at: this.clock.now(),
      samples: samples.map((s) => ({ ...s, labels: { service: this.name } })),
    });
  }

  private emit(event: SupervisorEvent): void {
    this.events.next(event);
  }

  private finish(code: number): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.cancelRestart?.();
    this.cancelKill?.();
    this.cancelMemory?.();
    try {
      this.lock?.release();
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'could not release the instance lock');
    }
    this.emit({ type: 'stopped', exitCode: code });
    this.events.complete();
    this.resolveDone(code);
  }
}
