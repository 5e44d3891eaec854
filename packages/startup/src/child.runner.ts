import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Cancel, Clock, Logger, Sample } from '@vitals/core';
import { METRICS, describeError } from '@vitals/core';
import { AGENT_PATH, AgentLink, agentBatch } from './agent.channel';
import type { AgentSnapshotReply } from './agent.channel';
import type { ChildCommand } from './child.command';
import { groupAlive, signalGroup, spawnChild } from './child.spawn';
import { MemoryGuard } from './memory.guard';
import { ChildStatReader, ProcessTreeScanner } from './process.tree';
import { startupError } from './startup.errors';
import type { SupervisorDeps, SupervisorEvent, SupervisorOptions } from './supervisor.options';

/** What a {@link ChildRunner} reports back to its supervisor. */
export interface ChildRunnerHooks {
  readonly emit: (event: SupervisorEvent) => void;
  /** The current child exited (it is already forgotten). */
  readonly onExit: (proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => void;
  /** RSS stayed over the ceiling; return true when a restart begins. */
  readonly onCeiling: (pid: number, rssBytes: number, overForMs: number) => boolean;
  /** The agent stopped reporting while the child runs: its event loop is blocked. */
  readonly onHang: (pid: number, silentMs: number) => void;
  /** A memory reading of the running child was published (about once a second). */
  readonly onReading?: () => void;
}

/** Tree readings in `child` scope happen every this many memory checks (each costs a /proc scan). */
const TREE_EVERY = 10;
/** A tree scan reads every process again this often (see {@link ProcessTreeScanner}). */
const FULL_TREE_SCAN_MS = 5 * 60_000;

/** The default hang timeout: 30 s, or 3 report intervals when those are longer. */
export function defaultHangTimeoutMs(agentIntervalMs = 1000): number {
  return Math.max(30_000, 3 * agentIntervalMs);
}

interface PendingSnapshot {
  readonly resolve: (path: string) => void;
  readonly reject: (error: Error) => void;
  readonly cancel: Cancel;
}

/**
 * One child at a time, for the {@link Supervisor}: spawns it (with the agent for Node), links
 * the agent's reports, the child's own RSS/CPU and its process tree to the stream, watches the
 * memory ceiling and the agent's silence (a hang), takes heap snapshots through the agent, stops
 * it with a signal and SIGKILL to its process group after the kill timeout, and after any exit
 * clears what is left of its process group. The supervisor decides what happens next.
 * @example const proc = await runner.spawn(); runner.terminate('SIGTERM');
 */
export class ChildRunner {
  private readonly token = randomUUID();
  private readonly agent: AgentLink;
  private readonly guard: MemoryGuard | undefined;
  private readonly hangTimeoutMs: number;
  private readonly snapshots = new Map<string, PendingSnapshot>();
  private proc: ChildProcess | undefined;
  private cancelKill: Cancel | undefined;
  private cancelGroupWait: Cancel | undefined;
  private cancelHang: Cancel | undefined;
  private terminating = false;
  private startedAt = 0;
  private readings = 0;
  /** The current child's `/proc/<pid>/stat`, kept open while it runs. */
  private statReader: ChildStatReader | undefined;
  private treeScanner: ProcessTreeScanner | undefined;
  private lastReadError = -Infinity;

  constructor(
    private readonly name: string,
    private readonly child: ChildCommand,
    private readonly options: SupervisorOptions,
    private readonly deps: SupervisorDeps & { readonly clock: Clock; readonly logger: Logger },
    private readonly hooks: ChildRunnerHooks,
  ) {
    const { stream, clock } = deps;
    this.hangTimeoutMs = options.hangTimeoutMs ?? defaultHangTimeoutMs(options.agentIntervalMs);
    this.agent = new AgentLink({
      token: this.token,
      now: () => clock.now(),
      publish: stream && ((batch) => stream.publish(batch)),
      labels: () => ({ service: name }),
      onHello: (pid, node) => {
        hooks.emit({ type: 'agent', pid, node });
        void deps.notifier?.ready(`${name} running`);
      },
      onSnapshot: (reply) => this.onSnapshotReply(reply),
      onReport: () => this.guard?.piggyback(),
    });
    if (options.maxMemoryBytes === undefined && !stream) return;
    this.guard = new MemoryGuard({
      clock,
      intervalMs: options.memoryCheckIntervalMs,
      readRss: (pid) => this.readFigures(pid),
      maxMemoryBytes: options.maxMemoryBytes,
      maxMemoryForMs: options.maxMemoryForMs,
      onReading: () => hooks.onReading?.(), // readFigures published the figures
      onOver: (pid, rssBytes, sinceMs) =>
        hooks.emit({ type: 'memory-over', pid, rssBytes, sinceMs }),
      onCeiling: (pid, rssBytes, overForMs) => hooks.onCeiling(pid, rssBytes, overForMs),
      onError: (error) => this.readFailed(error),
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

  /** When the current child started, epoch ms (the supervisor's clock); undefined between runs. */
  get startedAtMs(): number | undefined {
    return this.proc ? this.startedAt : undefined;
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
    const proc = await spawnChild(this.child, {
      env: options.env,
      cwd: options.cwd,
      stdout: options.stdout,
      stderr: options.stderr,
      nodeOptions: options.nodeOptions,
      secrets: options.secrets,
      agent: this.withAgent
        ? {
            path: options.agentPath ?? AGENT_PATH,
            token: this.token,
            intervalMs: options.agentIntervalMs ?? 1000,
            measureAfterMs: options.measureGcAfterMs,
            measurePauseRatio: options.measureGcPauseRatio,
            measureMaxHeapBytes: options.measureGcMaxHeapBytes,
            exitOnDisconnect: options.exitOnDisconnect,
          }
        : undefined,
      onError: (error) =>
        this.deps.logger.warn({ err: describeError(error) }, 'child process error'),
    });
    this.proc = proc;
    this.terminating = false;
    this.startedAt = this.deps.clock.now();
    this.readings = 0;
    this.statReader?.close();
    const stats = proc.pid ? new ChildStatReader(proc.pid) : undefined;
    this.statReader = stats;
    this.treeScanner =
      proc.pid && stats
        ? new ProcessTreeScanner(proc.pid, undefined, this.scansPerFullScan(), () => stats.stat())
        : undefined;
    this.agent.attach(proc);
    proc.on('exit', (code, signal) => this.exited(proc, code, signal));
    if (proc.pid) {
      this.guard?.start(proc.pid);
      if (this.withAgent && this.hangTimeoutMs > 0) this.watchHang(proc);
    }
    if (this.withAgent) proc.once('disconnect', () => this.disconnected(proc));
    return proc;
  }

  /**
   * Tree scans between two full ones: 5 minutes' worth. Between them a scan reads only the pids new
   * since the last one, so only a pid freed and reused by a new descendant within those 5 minutes
   * is missed until the next full scan.
   */
  private scansPerFullScan(): number {
    const everyMs =
      (this.options.memoryCheckIntervalMs ?? 1000) *
      (this.options.memoryScope === 'tree' ? 1 : TREE_EVERY);
    return Math.max(1, Math.round(FULL_TREE_SCAN_MS / everyMs));
  }

  /**
   * Sends `signal` to the child's process group now (as a terminal's Ctrl-C would) and SIGKILL to
   * the group after the kill timeout if any of it is left.
   */
  terminate(signal: NodeJS.Signals): void {
    const proc = this.proc;
    if (!proc?.pid) return;
    this.terminating = true;
    this.cancelHang?.();
    this.hooks.emit({ type: 'signal', pid: proc.pid, signal });
    signalGroup(proc, signal);
    this.armKill(proc, signal);
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

  /**
   * Asks the running child's agent to write a heap snapshot to `path` (a fresh name: the agent
   * creates it with O_CREAT|O_EXCL|O_NOFOLLOW and refuses an existing file or link). Rejects with
   * `ERR_SERVICE_UNAVAILABLE` (no child or no agent), `ERR_SNAPSHOT_REFUSED` (heap above
   * `maxHeapBytes`, free disk under twice the heap, the name taken) or `ERR_SNAPSHOT_TIMEOUT`. The
   * hang watch is paused meanwhile: a snapshot blocks the child's event loop.
   */
  heapSnapshot(path: string, maxHeapBytes: number, timeoutMs: number): Promise<string> {
    const proc = this.proc;
    if (!proc?.pid || !this.withAgent || !proc.connected || this.terminating)
      return Promise.reject(startupError.unavailable(this.name, proc ? 'no agent' : 'not running'));
    const id = randomUUID();
    return new Promise<string>((resolve, reject) => {
      const cancel = this.deps.clock.setTimeout(() => {
        this.snapshots.delete(id);
        this.agent.touch();
        reject(startupError.snapshotTimeout(this.name, timeoutMs));
      }, timeoutMs);
      this.snapshots.set(id, { resolve, reject, cancel });
      const request = { cmd: 'NODE_VITALS_REQUEST', vitals: this.token, type: 'snapshot' };
      try {
        proc.send({ ...request, id, path, maxHeapBytes }, (error) => {
          if (error) this.settle(id, startupError.unavailable(this.name, error.message));
        });
      } catch (error) {
        this.settle(id, startupError.unavailable(this.name, (error as Error).message));
      }
    });
  }

  /** Stops every timer (the supervisor is done). */
  close(): void {
    this.cancelKill?.();
    this.cancelGroupWait?.();
    this.cancelHang?.();
    this.guard?.stop();
    this.statReader?.close();
    this.failSnapshots('the supervisor stopped');
  }

  private exited(proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (proc !== this.proc) return;
    this.guard?.stop();
    this.statReader?.close();
    this.cancelHang?.();
    this.failSnapshots('the child exited');
    const report = () => {
      this.proc = undefined;
      this.cancelKill?.();
      this.hooks.onExit(proc, code, signal);
    };
    const pid = proc.pid;
    if (!pid || !groupAlive(pid)) return report();
    // What the child started (`sh -c`, `npm start`, workers) goes too, after every exit, a crash
    // included: never an orphaned grandchild (issue 11). SIGTERM, then SIGKILL at the kill timeout.
    if (!this.terminating) {
      this.deps.logger.warn(
        { childPid: pid },
        'the child exited but its process group is left: SIGTERM to the group',
      );
      this.terminating = true;
      signalGroup(proc, 'SIGTERM');
      this.armKill(proc, 'SIGTERM');
    }
    this.waitForGroup(pid, report);
  }

  private armKill(proc: ChildProcess, signal: NodeJS.Signals): void {
    this.cancelKill?.();
    const killTimeoutMs = this.options.killTimeoutMs ?? 5000;
    this.cancelKill = this.deps.clock.setTimeout(() => {
      if (this.proc !== proc) return;
      const what = proc.exitCode === null && proc.signalCode === null ? 'child' : 'child group';
      this.deps.logger.warn(
        { childPid: proc.pid, killTimeoutMs },
        `${what} did not exit within ${killTimeoutMs} ms of ${signal}: SIGKILL`,
      );
      this.killGroup(proc);
    }, killTimeoutMs);
  }

  /** Polls until the group led by `pid` is gone (the kill timer still SIGKILLs it), then `done`. */
  private waitForGroup(pid: number, done: () => void): void {
    // A group member we may not kill (EPERM: it changed user) would keep us waiting forever.
    const giveUpAt = this.deps.clock.now() + (this.options.killTimeoutMs ?? 5000) + 5000;
    const poll = () => {
      this.cancelGroupWait = undefined;
      let alive = false;
      try {
        alive = groupAlive(pid) && this.deps.clock.now() < giveUpAt;
      } catch {
        alive = false;
      }
      if (alive) this.cancelGroupWait = this.deps.clock.setTimeout(poll, 50);
      else done();
    };
    poll();
  }

  /**
   * The IPC channel closed. When the child exits it closes too; a child that closed it itself
   * (`process.disconnect()`) and lives on can no longer report, which is not a hang: hang
   * detection stops for this child (it was restarted as hung every timeout) and one warning says so.
   */
  private disconnected(proc: ChildProcess): void {
    if (this.proc !== proc || this.terminating) return;
    this.cancelHang?.();
    this.cancelHang = undefined;
    // 'disconnect' may come just before 'exit': say nothing of a child that is ending.
    this.deps.clock.setTimeout(() => {
      if (this.proc !== proc || this.terminating) return;
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      this.deps.logger.warn(
        { childPid: proc.pid },
        'the child closed its IPC channel (process.disconnect()): no agent reports and no hang detection until it restarts',
      );
    }, 200);
  }

  /**
   * Restarts the child once its agent has been silent for the hang timeout. One timer, aimed at
   * the moment the timeout would run out if no report came; when it fires after reports did come,
   * it is aimed again at the new moment. So an idle supervisor wakes for this about once per
   * timeout (not once a second), and a hang is seen as soon as the timeout is over.
   */
  private watchHang(proc: ChildProcess): void {
    // While a heap snapshot blocks the child (it stops reporting), look again this often.
    const snapshotRecheckMs = Math.min(1000, Math.max(100, Math.floor(this.hangTimeoutMs / 10)));
    const check = () => {
      this.cancelHang = undefined;
      if (this.proc !== proc || this.terminating) return;
      let nextMs = snapshotRecheckMs;
      try {
        const silentMs = this.agent.silentForMs();
        if (this.snapshots.size === 0) {
          if (silentMs > this.hangTimeoutMs && proc.pid) {
            this.hooks.emit({ type: 'hang', pid: proc.pid, silentMs });
            this.hooks.onHang(proc.pid, silentMs);
            return;
          }
          // Clamped: a wall clock set back must not push the next look beyond one timeout.
          nextMs = Math.min(this.hangTimeoutMs, Math.max(0, this.hangTimeoutMs - silentMs)) + 1;
        }
      } catch (error) {
        this.readFailed(error);
      }
      this.cancelHang = this.deps.clock.setTimeout(check, nextMs);
    };
    this.cancelHang = this.deps.clock.setTimeout(check, this.hangTimeoutMs + 1);
  }

  /**
   * The child's own RSS, CPU time and start time from its `/proc/<pid>/stat` (kept open), and its
   * process tree (every memory check in `tree` scope, every {@link TREE_EVERY}th otherwise, each
   * scan reading only the processes new since the last one), published
   * labelled `{service}` (`{service,pid}` per process of the tree). Returns the RSS the ceiling
   * is compared with: the child's, or the tree's sum in `tree` scope.
   */
  private readFigures(pid: number): number | undefined {
    const { stream, clock } = this.deps;
    const labels = { service: this.name };
    const figures = this.deps.readRssBytes
      ? { rssBytes: this.deps.readRssBytes(pid) }
      : this.statReader?.pid === pid
        ? this.statReader.read()
        : undefined;
    if (figures?.rssBytes === undefined) return undefined;
    const samples: Sample[] = [{ name: METRICS.processRssBytes, value: figures.rssBytes }];
    if ('cpuSeconds' in figures) {
      samples.push(
        { name: METRICS.processCpuSeconds, value: figures.cpuSeconds },
        { name: METRICS.processStartTimeSeconds, value: figures.startTimeSeconds },
      );
    }
    const tree = this.options.memoryScope === 'tree';
    let compared = figures.rssBytes;
    if (tree || this.readings++ % TREE_EVERY === 0) {
      const processes = this.deps.readTree
        ? this.deps.readTree(pid)
        : this.treeScanner?.rootPid === pid
          ? this.treeScanner.scan()
          : [];
      if (processes.length > 0) {
        const total = processes.reduce((sum, p) => sum + p.rssBytes, 0);
        if (tree) compared = total;
        samples.push({ name: METRICS.serviceTreeRssBytes, value: total });
        for (const p of processes)
          samples.push({
            name: METRICS.serviceProcessRssBytes,
            value: p.rssBytes,
            labels: { pid: String(p.pid) },
          });
      }
    }
    stream?.publish(agentBatch(samples, labels, clock.now()));
    return compared;
  }

  private readFailed(error: unknown): void {
    // At most one line a minute: a flood of EMFILE must not become a flood of log lines.
    const now = this.deps.clock.now();
    if (now - this.lastReadError < 60_000) return;
    this.lastReadError = now;
    this.deps.logger.warn(
      { err: describeError(error) },
      'could not read the child from /proc (will retry)',
    );
  }

  private onSnapshotReply(reply: AgentSnapshotReply): void {
    if (reply.ok) this.settle(reply.id, undefined, reply.path);
    else
      this.settle(
        reply.id,
        reply.code === 'ERR_SNAPSHOT_REFUSED'
          ? startupError.snapshotRefused(this.name, reply.message)
          : startupError.snapshotFailed(this.name, reply.message),
      );
  }

  private settle(id: string, error: Error | undefined, path?: string): void {
    const pending = this.snapshots.get(id);
    if (!pending) return;
    this.snapshots.delete(id);
    pending.cancel();
    if (error) pending.reject(error);
    else pending.resolve(path as string);
  }

  private failSnapshots(why: string): void {
    for (const id of [...this.snapshots.keys()])
      this.settle(id, startupError.unavailable(this.name, why));
  }
}
