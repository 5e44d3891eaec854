import type { ChildProcess } from 'node:child_process';
import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';
import type { Cancel, Clock, InstanceLock, Logger, Sample } from '@vitals/core';
import { createNoopLogger, describeError, systemClock } from '@vitals/core';
import { defaultServiceName, exitCodeOf, resolveChildCommand } from './child.command';
import { ChildRunner } from './child.runner';
import { RestartPolicy } from './restart.policy';
import { startupError } from './startup.errors';
import { SUPERVISOR_METRICS } from './supervisor.metrics';
import type { SupervisorDeps, SupervisorEvent, SupervisorOptions } from './supervisor.options';

type State = 'idle' | 'running' | 'waiting' | 'stopping' | 'done';

/**
 * Runs one child process and keeps it running: restarts on a crash with exponential backoff up
 * to a limit, restarts gracefully when RSS stays over a ceiling, stops it with SIGTERM then SIGKILL
 * after a grace, never runs two children at once, and publishes the child's heap, GC and
 * event-loop metrics (from the agent) on the metric stream. Signals come in through `stop()`,
 * `kill()` and `forward()`, so the class never touches the process's own signal handlers.
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
  private readonly policy: RestartPolicy;
  private readonly runner: ChildRunner;
  private state: State = 'idle';
  private restarts = 0;
  private lastExitCode = 0;
  private memoryRestartPending = false;
  private lock: InstanceLock | undefined;
  private lockTried = false;
  private stoppedBeforeStart = false;
  private cancelRestart: Cancel | undefined;
  private resolveDone!: (code: number) => void;

  constructor(
    private readonly options: SupervisorOptions,
    private readonly deps: SupervisorDeps = {},
  ) {
    const child = resolveChildCommand(options.command, options.args ?? [], process.execPath);
    this.name = options.name ?? defaultServiceName(options.command, options.args ?? []);
    this.logger = (deps.logger ?? createNoopLogger()).child({ service: this.name });
    this.clock = deps.clock ?? systemClock;
    this.policy = new RestartPolicy(options);
    this.runner = new ChildRunner(
      this.name,
      child,
      options,
      { ...deps, clock: this.clock, logger: this.logger },
      {
        emit: (event) => this.events.next(event),
        onExit: (proc, code, signal) => this.onExit(proc, code, signal),
        onCeiling: (pid, rssBytes, overForMs) => this.onCeiling(pid, rssBytes, overForMs),
      },
    );
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /**
   * Takes the single-instance lock for {@link name} (once; `start()` does it when not done yet),
   * so a caller can refuse a second copy before it binds ports or starts anything else. Throws
   * ERR_INSTANCE_LOCKED naming the pid that holds it. `stop()` releases it.
   */
  acquireLock(): void {
    if (this.lockTried || this.state !== 'idle') return;
    if (this.deps.lock)
      this.lock = this.deps.lock.acquire(this.name, { dir: this.options.lockDir });
    else this.logger.info('no single-instance lock: @vitals/process is not installed');
    this.lockTried = true;
  }

  /** Takes the lock (unless `acquireLock()` did) and starts the first child; rejects on failure. */
  async start(): Promise<void> {
    if (this.stoppedBeforeStart) return; // stop() came first (a signal during start-up): done.
    if (this.state !== 'idle') throw startupError.alreadyRunning(this.name);
    this.acquireLock();
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
    return this.runner.pid;
  }

  /** True while a child runs and (for a Node child with the agent) reports on time. */
  healthy(): boolean {
    return this.state === 'running' && this.runner.healthy();
  }

  /**
   * Stops: no more restarts, `signal` to the child, SIGKILL to its process group after the kill
   * timeout. Idempotent; resolves with the exit code.
   */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    if (this.state === 'done' || this.state === 'stopping') return this.done;
    const wasIdle = this.state === 'idle';
    this.stoppedBeforeStart = wasIdle;
    this.state = 'stopping';
    this.cancelRestart?.();
    void this.deps.notifier?.stopping();
    if (this.runner.pid === undefined) this.finish(wasIdle ? 0 : this.lastExitCode);
    else this.runner.terminate(signal);
    return this.done;
  }

  /** Stops at once: SIGKILL to the child's process group (a second Ctrl-C). */
  kill(): Promise<number> {
    const done = this.stop('SIGKILL');
    this.runner.killGroup();
    return done;
  }

  /** Sends `signal` to the child (SIGHUP to reload, SIGUSR2, …). False when no child runs. */
  forward(signal: NodeJS.Signals): boolean {
    return this.runner.forward(signal);
  }

  private async spawnChild(): Promise<void> {
    const proc = await this.runner.spawn();
    if (this.state === 'done') {
      // stop() came while the child was starting: it must not outlive the supervisor.
      this.runner.killGroup(proc);
      return;
    }
    const agent = this.runner.withAgent;
    this.logger.info({ pid: proc.pid, restarts: this.restarts, agent }, 'child started');
    this.events.next({ type: 'spawn', pid: proc.pid ?? 0, restarts: this.restarts, agent });
    this.publish([{ name: SUPERVISOR_METRICS.childUp, value: 1 }]);
    if (!agent) void this.deps.notifier?.ready(`${this.name} running`);
  }

  private onCeiling(pid: number, rssBytes: number, overForMs: number): boolean {
    if (this.state !== 'running' || this.memoryRestartPending) return true;
    const limitBytes = this.options.maxMemoryBytes;
    if (!this.policy.recordRestart(this.clock.now())) {
      this.logger.error(
        { pid, rssBytes, limitBytes },
        'RSS over the ceiling but the restart limit is reached: child left running',
      );
      return false;
    }
    this.logger.warn(
      { pid, rssBytes, limitBytes, overForMs },
      'RSS stayed over the memory ceiling: restarting the child gracefully',
    );
    this.memoryRestartPending = true;
    this.events.next({
      type: 'restart-scheduled',
      reason: 'memory',
      delayMs: 0,
      attempt: this.restarts + 1,
    });
    this.runner.terminate('SIGTERM');
    return true;
  }

  private onExit(proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const uptimeMs = this.runner.uptimeMs();
    this.lastExitCode = exitCodeOf(code, signal);
    this.logger.info({ pid: proc.pid, code, signal, uptimeMs }, 'child exited');
    this.events.next({ type: 'exit', pid: proc.pid ?? 0, code, signal, uptimeMs });
    this.publish([{ name: SUPERVISOR_METRICS.childUp, value: 0 }]);
    if (this.state === 'done') return;
    if (this.state === 'stopping') return this.finish(this.lastExitCode);
    if (this.memoryRestartPending) {
      this.memoryRestartPending = false;
      return this.respawn();
    }
    const restart = this.options.restart ?? 'on-failure';
    if (restart === 'never' || (code === 0 && restart === 'on-failure'))
      return this.finish(this.lastExitCode);
    const decision = this.policy.onCrash(this.clock.now(), uptimeMs);
    if (!decision.restart) {
      const { restarts, windowMs } = decision;
      this.logger.error(
        { restarts, windowMs },
        `child crashed ${restarts + 1} times within ${windowMs} ms: giving up`,
      );
      this.events.next({ type: 'give-up', restarts, windowMs });
      return this.finish(this.lastExitCode);
    }
    const { delayMs, attempt } = decision;
    this.state = 'waiting';
    this.logger.warn({ delayMs, attempt }, 'child crashed: restarting after backoff');
    this.events.next({ type: 'restart-scheduled', reason: 'crash', delayMs, attempt });
    this.cancelRestart = this.clock.setTimeout(() => {
      this.cancelRestart = undefined;
      if (this.state !== 'waiting') return;
      this.state = 'running';
      this.respawn();
    }, delayMs);
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

  private finish(code: number): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.cancelRestart?.();
    this.runner.close();
    try {
      this.lock?.release();
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'could not release the instance lock');
    }
    this.events.next({ type: 'stopped', exitCode: code });
    this.events.complete();
    this.resolveDone(code);
  }
}
