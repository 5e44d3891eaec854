import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Cancel, Clock, Logger } from '@vitals/core';
import { METRICS, describeError } from '@vitals/core';
import { AGENT_PATH, AgentLink, agentBatch } from './agent.channel';
import { readRssFromProc } from './child.command';
import type { ChildCommand } from './child.command';
import { groupAlive, signalGroup, spawnChild } from './child.spawn';
import { MemoryGuard } from './memory.guard';
import type { SupervisorDeps, SupervisorEvent, SupervisorOptions } from './supervisor.options';

/** What a {@link ChildRunner} reports back to its supervisor. */
export interface ChildRunnerHooks {
  readonly emit: (event: SupervisorEvent) => void;
  /** The current child exited (it is already forgotten). */
  readonly onExit: (proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => void;
  /** RSS stayed over the ceiling; return true when a restart begins. */
  readonly onCeiling: (pid: number, rssBytes: number, overForMs: number) => boolean;
}

/**
 * One child at a time, for the {@link Supervisor}: spawns it (with the agent for Node), links
 * the agent's reports and the RSS samples to the stream, watches the memory ceiling, and stops it
 * with a signal and SIGKILL to its process group after the kill timeout. The supervisor decides
 * what happens next.
 * @example const proc = await runner.spawn(); runner.terminate('SIGTERM');
 */
export class ChildRunner {
  private readonly token = randomUUID();
  private readonly agent: AgentLink;
  private readonly guard: MemoryGuard | undefined;
  private proc: ChildProcess | undefined;
  private cancelKill: Cancel | undefined;
  private cancelGroupWait: Cancel | undefined;
  private terminating = false;
  private startedAt = 0;

  constructor(
    private readonly name: string,
    private readonly child: ChildCommand,
    private readonly options: SupervisorOptions,
    private readonly deps: SupervisorDeps & { readonly clock: Clock; readonly logger: Logger },
    private readonly hooks: ChildRunnerHooks,
  ) {
    const labels = (pid: number) => ({ service: name, pid: String(pid) });
    const { stream, clock } = deps;
    this.agent = new AgentLink({
      token: this.token,
      now: () => clock.now(),
      publish: stream && ((batch) => stream.publish(batch)),
      labels,
      onHello: (pid, node) => {
        hooks.emit({ type: 'agent', pid, node });
        void deps.notifier?.ready(`${name} running`);
      },
    });
    if (options.maxMemoryBytes === undefined && !stream) return;
    this.guard = new MemoryGuard({
      clock,
      intervalMs: options.memoryCheckIntervalMs,
      readRss: deps.readRssBytes ?? readRssFromProc,
      maxMemoryBytes: options.maxMemoryBytes,
      maxMemoryForMs: options.maxMemoryForMs,
      onReading: (pid, value) =>
        stream?.publish(
          agentBatch([{ name: METRICS.processRssBytes, value }], labels(pid), clock.now()),
        ),
      onOver: (pid, rssBytes, sinceMs) =>
        hooks.emit({ type: 'memory-over', pid, rssBytes, sinceMs }),
      onCeiling: (pid, rssBytes, overForMs) => hooks.onCeiling(pid, rssBytes, overForMs),
    });
  }

  /** True when the agent goes into the child (a Node child, agent not turned off). */
  get withAgent(): boolean {
    return this.child.isNode && this.options.agent !== false;
  }

  /** The running child's pid. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** How long the current (or last) child ran, ms. */
  uptimeMs(): number {
    return this.deps.clock.now() - this.startedAt;
  }

  /** True while a child runs and (for a Node child with the agent) its agent reports on time. */
  healthy(): boolean {
    if (!this.proc) return false;
    return !this.withAgent || this.agent.reportedWithin((this.options.agentIntervalMs ?? 1000) * 3);
  }

  /** Starts a child; rejects with ERR_SUPERVISOR_SPAWN when it cannot start. */
  async spawn(): Promise<ChildProcess> {
    const { options } = this;
    const intervalMs = options.agentIntervalMs ?? 1000;
    const proc = await spawnChild(this.child, {
      env: options.env,
      cwd: options.cwd,
      stdout: options.stdout,
      stderr: options.stderr,
      nodeOptions: options.nodeOptions,
      agent: this.withAgent
        ? { path: options.agentPath ?? AGENT_PATH, token: this.token, intervalMs }
        : undefined,
      onError: (error) =>
        this.deps.logger.warn({ err: describeError(error) }, 'child process error'),
    });
    this.proc = proc;
    this.terminating = false;
    this.startedAt = this.deps.clock.now();
    this.agent.attach(proc);
    proc.on('exit', (code, signal) => {
      if (proc !== this.proc) return;
      this.guard?.stop();
      const report = () => {
        this.proc = undefined;
        this.cancelKill?.();
        this.hooks.onExit(proc, code, signal);
      };
      // Stopping: what the child started (`sh -c`, `npm start`) goes too, or SIGKILL at the
      // kill timeout, before the supervisor exits or starts the next child.
      if (this.terminating && proc.pid && groupAlive(proc.pid)) this.waitForGroup(proc.pid, report);
      else report();
    });
    if (proc.pid) this.guard?.start(proc.pid);
    return proc;
  }

  /**
   * Sends `signal` to the child's process group now (as a terminal's Ctrl-C would) and SIGKILL to
   * the group after the kill timeout if any of it is left.
   */
  terminate(signal: NodeJS.Signals): void {
    const proc = this.proc;
    if (!proc?.pid) return;
    this.terminating = true;
    this.hooks.emit({ type: 'signal', pid: proc.pid, signal });
    signalGroup(proc, signal);
    this.cancelKill?.();
    const killTimeoutMs = this.options.killTimeoutMs ?? 5000;
    this.cancelKill = this.deps.clock.setTimeout(() => {
      if (this.proc !== proc) return;
      const what = proc.exitCode === null && proc.signalCode === null ? 'child' : 'child group';
      this.deps.logger.warn(
        { pid: proc.pid, killTimeoutMs },
        `${what} did not exit within ${killTimeoutMs} ms of ${signal}: SIGKILL`,
      );
      this.killGroup();
    }, killTimeoutMs);
  }

  /** SIGKILL to the child's process group now. */
  killGroup(proc: ChildProcess | undefined = this.proc): void {
    if (!proc?.pid) return;
    this.hooks.emit({ type: 'signal', pid: proc.pid, signal: 'SIGKILL' });
    signalGroup(proc, 'SIGKILL');
  }

  /** Sends `signal` to the child only. False when no child runs. */
  forward(signal: NodeJS.Signals): boolean {
    if (!this.proc?.pid || this.proc.exitCode !== null) return false;
    this.hooks.emit({ type: 'signal', pid: this.proc.pid, signal });
    return this.proc.kill(signal);
  }

  /** Stops every timer (the supervisor is done). */
  close(): void {
    this.cancelKill?.();
    this.cancelGroupWait?.();
    this.guard?.stop();
  }

  /** Polls until the group led by `pid` is gone (the kill timer still SIGKILLs it), then `done`. */
  private waitForGroup(pid: number, done: () => void): void {
    const poll = () => {
      this.cancelGroupWait = undefined;
      if (groupAlive(pid)) this.cancelGroupWait = this.deps.clock.setTimeout(poll, 50);
      else done();
    };
    poll();
  }
}
