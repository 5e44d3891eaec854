import { execFile } from 'node:child_process';
import type { Clock, Logger } from '@vitals/core';
import { createNoopLogger, describeError, systemClock } from '@vitals/core';

/** Runs `systemd-notify` (or a stand-in in tests) with arguments and environment. */
export type NotifyExec = (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
) => Promise<void>;

const defaultExec: NotifyExec = (command, args, env) =>
  new Promise((resolve, reject) => {
    execFile(command, [...args], { env, timeout: 5000 }, (error) =>
      error ? reject(error) : resolve(),
    );
  });

/** Options of {@link SystemdNotifier}. */
export interface SystemdNotifierOptions {
  /** The environment to read NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default 'systemd-notify' */
  readonly command?: string;
  /** This process's pid, for WATCHDOG_PID. @default process.pid */
  readonly pid?: number;
  readonly exec?: NotifyExec;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * systemd's notify protocol for `Type=notify` units (`man sd_notify`): READY=1 once the child is
 * up, WATCHDOG=1 every half WATCHDOG_USEC while `healthy()` says so, STOPPING=1 on stop. Node has
 * no unix datagram sockets, so each message goes through `systemd-notify`, a short-lived child:
 * the unit needs `NotifyAccess=all` (see README). Inactive (every call a no-op) when
 * NOTIFY_SOCKET is unset.
 * @example
 * const notifier = new SystemdNotifier({ env: process.env });
 * await notifier.ready();
 * notifier.startWatchdog(() => supervisor.healthy());
 */
export class SystemdNotifier {
  readonly active: boolean;
  private readonly command: string;
  private readonly exec: NotifyExec;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly watchdogMs: number | undefined;
  private cancelWatchdog: (() => void) | undefined;
  private readySent = false;

  constructor(private readonly options: SystemdNotifierOptions) {
    const { env } = options;
    this.active = Boolean(env.NOTIFY_SOCKET);
    this.command = options.command ?? 'systemd-notify';
    this.exec = options.exec ?? defaultExec;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? createNoopLogger();
    const usec = Number(env.WATCHDOG_USEC);
    const forUs = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === (options.pid ?? process.pid);
    this.watchdogMs =
      this.active && forUs && usec > 0 ? Math.max(1, Math.floor(usec / 2000)) : undefined;
  }

  /** Sends one state line (`READY=1`, `STATUS=…`). Failures are logged, never thrown. */
  async notify(...states: string[]): Promise<boolean> {
    if (!this.active) return false;
    try {
      await this.exec(this.command, states, { ...this.options.env } as NodeJS.ProcessEnv);
      return true;
    } catch (error) {
      this.logger.warn({ states, err: describeError(error) }, 'systemd notify failed');
      return false;
    }
  }

  /** READY=1, once. */
  async ready(status?: string): Promise<void> {
    if (this.readySent || !this.active) return;
    this.readySent = true;
    await this.notify('READY=1', ...(status ? [`STATUS=${status}`] : []));
  }

  /** Pings WATCHDOG=1 every half WATCHDOG_USEC while `healthy()` is true. */
  startWatchdog(healthy: () => boolean): void {
    const everyMs = this.watchdogMs;
    if (everyMs === undefined || this.cancelWatchdog) return;
    const tick = (): void => {
      if (healthy()) void this.notify('WATCHDOG=1');
      this.cancelWatchdog = this.clock.setTimeout(tick, everyMs);
    };
    this.cancelWatchdog = this.clock.setTimeout(tick, everyMs);
  }

  /** STOPPING=1 and no more watchdog pings. */
  async stopping(): Promise<void> {
    this.cancelWatchdog?.();
    this.cancelWatchdog = undefined;
    await this.notify('STOPPING=1');
  }
}
