import type { ChildProcess } from 'node:child_process';
import { Subject } from 'rxjs/internal/Subject';
import type { Observable } from 'rxjs';
import { randomBytes } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type {
  Cancel,
  Clock,
  InstanceLock,
  Logger,
  Sample,
  ServiceState,
  SupervisedService,
} from '@vitals/core';
import {
  METRICS,
  createNoopLogger,
  describeError,
  formatDuration,
  systemClock,
} from '@vitals/core';
import { defaultServiceName, exitCodeOf, resolveChildCommand } from './child.command';
import { ChildLock, stopStaleChild } from './child.lock';
import type { StaleChild } from './child.lock';
import { ChildRunner } from './child.runner';
import { RestartPolicy } from './restart.policy';
import { startupError } from './startup.errors';
import { SUPERVISOR_METRICS } from './supervisor.metrics';
import type { SupervisorDeps, SupervisorEvent, SupervisorOptions } from './supervisor.options';

type State = 'idle' | 'running' | 'waiting' | 'stopping' | 'done';

const SERVICE_STATES: readonly ServiceState[] = [
  'starting',
  'up',
  'restarting',
  'hung',
  'stopping',
  'stopped',
];

/** Default cap of {@link Supervisor.heapSnapshot}: 1 GiB of heap used. */
export const DEFAULT_SNAPSHOT_MAX_HEAP_BYTES = 1024 ** 3;
/** Default time a heap snapshot may take. */
export const DEFAULT_SNAPSHOT_TIMEOUT_MS = 120_000;

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
  /**
   * How often, at most, the supervisor's own series are published again while nothing changes,
   * ms: well under the exporter's default staleness (5 min) and a full stream's idle limit (10 min).
   */
  static readonly STATE_REFRESH_MS = 30_000;
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
  private pendingRestart: 'memory' | 'hang' | undefined;
  /**
   * Why the supervisor itself stopped the child under `--restart never` (memory ceiling, hang):
   * then a child that exits 0 (it handles SIGTERM gracefully) still ends `vitals run` with 1, so
   * an init system's restart-on-failure sees a failure, not a clean exit.
   */
  private stoppedFor: 'memory' | 'hang' | undefined;
  /** `clock.now()` when the supervisor's own series were last published in full. */
  private stateAt = 0;
  private serviceState: ServiceState = 'stopped';
  private hangs = 0;
  private lock: InstanceLock | undefined;
  private lockTried = false;
  private childLock: ChildLock | undefined;
  private staleChild: StaleChild | undefined;
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
        emit: (event) => {
          if (event.type === 'agent') this.onAgentHello();
          this.events.next(event);
        },
        onExit: (proc, code, signal) => this.onExit(proc, code, signal),
        onCeiling: (pid, rssBytes, overForMs) => this.onCeiling(pid, rssBytes, overForMs),
        onHang: (pid, silentMs) => this.onHang(pid, silentMs),
        onReading: () => this.refreshState(),
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
    this.lockTried = true;
    if (!this.deps.lock) {
      this.logger.info('no single-instance lock: @vitals/process is not installed');
      return;
    }
    const lock = this.deps.lock.acquire(this.name, { dir: this.options.lockDir });
    this.lock = lock;
    this.childLock = new ChildLock(this.deps.lock, this.name, this.logger, this.options.lockDir);
    try {
      this.staleChild = this.childLock.check(lock, this.options.replace === true);
    } catch (error) {
      this.lock = undefined;
      lock.release();
      throw error;
    }
  }

  /** Takes the lock (unless `acquireLock()` did) and starts the first child; rejects on failure. */
  async start(): Promise<void> {
    if (this.stoppedBeforeStart) return; // stop() came first (a signal during start-up): done.
    if (this.state !== 'idle') throw startupError.alreadyRunning(this.name);
    this.acquireLock();
    this.state = 'running';
    try {
      if (this.staleChild) {
        await stopStaleChild(this.staleChild, this.options.killTimeoutMs ?? 5000);
        this.staleChild = undefined;
        this.childLock?.retake();
      }
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

  /** Why the supervisor itself stopped the child for good (`--restart never`), if it did. */
  get stoppedReason(): 'memory' | 'hang' | undefined {
    return this.stoppedFor;
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
   * The service as SERVICE_REGISTRY lists it. A restart shows as `restarts` + 1, a new `pid` and a
   * new `startedAt`: whatever a reader learnt about the previous child (a post-GC baseline) ends
   * there.
   */
  service(): SupervisedService {
    return {
      name: this.name,
      pid: this.runner.pid,
      state: this.serviceState,
      restarts: this.restarts,
      startedAt: this.runner.startedAtMs,
    };
  }

  /**
   * Asks the child's agent to write a heap snapshot into `dir` under a fresh name chosen here
   * (`<service>-<pid>-<time>-<random>.heapsnapshot`), created by the child with O_EXCL|O_NOFOLLOW.
   * Refuses a `dir` that is a link or not a directory, or that others may write without the sticky
   * bit. Resolves to the file's path; rejects with `ERR_SERVICE_UNAVAILABLE`,
   * `ERR_SNAPSHOT_REFUSED` (heap above `snapshotMaxHeapBytes`, default 1 GiB; free disk under twice
   * the heap), `ERR_SNAPSHOT_FAILED` or `ERR_SNAPSHOT_TIMEOUT` (default 120 s).
   */
  heapSnapshot(options: { dir: string; timeoutMs?: number }): Promise<string> {
    const pid = this.runner.pid;
    if (pid === undefined || this.state !== 'running')
      return Promise.reject(startupError.unavailable(this.name, 'not running'));
    let stat;
    try {
      stat = lstatSync(options.dir);
    } catch (error) {
      return Promise.reject(startupError.snapshotRefused(this.name, describeError(error)));
    }
    // Others may write there: a name could be planted between our choice and the child's open.
    // O_EXCL|O_NOFOLLOW stops that, but a shared folder is refused outright unless sticky.
    if (!stat.isDirectory() || (stat.mode & 0o002 && !(stat.mode & 0o1000)))
      return Promise.reject(
        startupError.snapshotRefused(
          this.name,
          `${options.dir} is not a private directory (a link, not a folder, or writable by others)`,
        ),
      );
    const safe = this.name.replace(/[^A-Za-z0-9._-]/g, '_');
    const file = `${safe}-${pid}-${this.clock.now()}-${randomBytes(4).toString('hex')}.heapsnapshot`;
    return this.runner.heapSnapshot(
      join(options.dir, file),
      this.options.snapshotMaxHeapBytes ?? DEFAULT_SNAPSHOT_MAX_HEAP_BYTES,
      options.timeoutMs ?? DEFAULT_SNAPSHOT_TIMEOUT_MS,
    );
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
    this.setServiceState('stopping');
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
    if (proc.pid) this.childLock?.record(proc.pid);
    const agent = this.runner.withAgent;
    this.logger.info({ childPid: proc.pid, restarts: this.restarts, agent }, 'child started');
    this.events.next({ type: 'spawn', pid: proc.pid ?? 0, restarts: this.restarts, agent });
    this.publish([
      { name: SUPERVISOR_METRICS.childUp, value: 1 },
      { name: SUPERVISOR_METRICS.restarts, value: this.restarts },
      { name: SUPERVISOR_METRICS.childPid, value: proc.pid ?? 0 },
    ]);
    this.setServiceState(agent ? 'starting' : 'up');
    if (!agent) void this.deps.notifier?.ready(`${this.name} running`);
  }

  /** The agent said hello: the child is up. */
  private onAgentHello(): void {
    if (this.state === 'running' && this.serviceState === 'starting') this.setServiceState('up');
  }

  /**
   * The supervisor's own series (child up, state, restarts, pid, hangs) change only on events,
   * but the exporter leaves out a series not published for `prometheus.staleAfterMs` (5 min) and
   * a full stream forgets the series idle longest: so they are published again every
   * {@link Supervisor.STATE_REFRESH_MS} while the child runs, on a memory reading (no timer).
   */
  private refreshState(): void {
    const now = this.clock.now();
    if (this.state !== 'running' || now - this.stateAt < Supervisor.STATE_REFRESH_MS) return;
    this.stateAt = now;
    const samples: Sample[] = [
      { name: SUPERVISOR_METRICS.childUp, value: 1 },
      { name: SUPERVISOR_METRICS.restarts, value: this.restarts },
      { name: SUPERVISOR_METRICS.childPid, value: this.runner.pid ?? 0 },
      ...this.stateSamples(),
    ];
    // Published first on a hang, as before: not a new series of 0.
    if (this.hangs > 0) samples.push({ name: METRICS.serviceHangs, value: this.hangs });
    this.publish(samples);
  }

  private setServiceState(state: ServiceState): void {
    if (state === this.serviceState) return;
    this.serviceState = state;
    this.publish(this.stateSamples());
  }

  /** `vitals_service_state{state}`: 1 for the current state, 0 for the others. */
  private stateSamples(): Sample[] {
    return SERVICE_STATES.map((s) => ({
      name: METRICS.serviceState,
      value: s === this.serviceState ? 1 : 0,
      labels: { state: s },
    }));
  }

  private onHang(pid: number, silentMs: number): void {
    if (this.state !== 'running' || this.pendingRestart) return;
    this.hangs++;
    this.publish([{ name: METRICS.serviceHangs, value: this.hangs }]);
    this.setServiceState('hung');
    const hangTimeoutMs = this.options.hangTimeoutMs;
    const never = this.options.restart === 'never';
    this.logger.error(
      { childPid: pid, silentMs, hangTimeoutMs },
      `the child has not reported for ${formatDuration(silentMs)} (its event loop is blocked): ${never ? 'stopping it (--restart never)' : 'restarting it'}`,
    );
    if (never) {
      this.stoppedFor = 'hang';
      void this.stop();
      return;
    }
    this.pendingRestart = 'hang';
    this.policy.recordRestart(this.clock.now());
    this.events.next({
      type: 'restart-scheduled',
      reason: 'hang',
      delayMs: 0,
      attempt: this.restarts + 1,
    });
    this.runner.terminate('SIGTERM');
  }

  private onCeiling(pid: number, rssBytes: number, overForMs: number): boolean {
    if (this.state !== 'running' || this.pendingRestart) return true;
    const limitBytes = this.options.maxMemoryBytes;
    const scope = this.options.memoryScope ?? 'child';
    const over = `RSS${scope === 'tree' ? ' of the process tree' : ''} stayed over the memory ceiling`;
    if (this.options.restart === 'never') {
      // As PM2's max_memory_restart with --no-autorestart: the child is stopped, not restarted.
      this.logger.error(
        { childPid: pid, rssBytes, limitBytes, overForMs, scope },
        `${over}: stopping the child gracefully (--restart never)`,
      );
      this.stoppedFor = 'memory';
      void this.stop();
      return true;
    }
    if (!this.policy.recordRestart(this.clock.now())) {
      this.logger.error(
        { childPid: pid, rssBytes, limitBytes, scope },
        'RSS over the ceiling but the restart limit is reached: child left running',
      );
      return false;
    }
    this.logger.warn(
      { childPid: pid, rssBytes, limitBytes, overForMs, scope },
      `${over}: restarting the child gracefully`,
    );
    this.pendingRestart = 'memory';
    this.setServiceState('restarting');
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
    this.logger.info({ childPid: proc.pid, code, signal, uptimeMs }, 'child exited');
    this.events.next({ type: 'exit', pid: proc.pid ?? 0, code, signal, uptimeMs });
    this.publish([{ name: SUPERVISOR_METRICS.childUp, value: 0 }]);
    if (this.state === 'done') return;
    if (this.state === 'stopping')
      return this.finish(this.stoppedFor && this.lastExitCode === 0 ? 1 : this.lastExitCode);
    if (this.pendingRestart) {
      this.pendingRestart = undefined;
      this.setServiceState('restarting');
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
    this.setServiceState('restarting');
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
    this.spawnChild().catch((error: unknown) => {
      this.logger.error({ err: describeError(error) }, 'could not restart the child: giving up');
      this.finish(127);
    });
  }

  private publish(samples: Sample[]): void {
    this.deps.stream?.publish({
      source: 'startup.supervisor',
      at: this.clock.now(),
      samples: samples.map((s) => ({ ...s, labels: { ...s.labels, service: this.name } })),
    });
  }

  private finish(code: number): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.setServiceState('stopped');
    this.cancelRestart?.();
    this.runner.close();
    this.childLock?.release();
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
