import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describeError } from '@vitals/core';
import { processErrors } from '../process.errors';
import { parsePlainUnits, parseShow, parseUnitsJson } from './systemctl.parser';
import type { UnitRow } from './systemctl.parser';

/** Options of {@link SystemctlClient}. */
export interface SystemctlOptions {
  /** Environment of `systemctl`; its PATH finds the binary. Pass `ctx.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Talk to the user manager (`--user`). @default false */
  readonly user?: boolean;
  /** Exists only when systemd is PID 1 (`sd_booted(3)`); checked for the system manager. @default '/run/systemd/system' */
  readonly runDir?: string;
  /** Deadline of one `systemctl` call, ms. @default 10000 */
  readonly timeoutMs?: number;
}

/** `systemctl show` of one unit. */
export interface UnitStatus {
  readonly unit: string;
  readonly description: string;
  readonly load: string;
  readonly active: string;
  readonly sub: string;
  readonly mainPid: number;
  readonly restarts: number;
}

const UNIT = /^[A-Za-z0-9:_.@\\-]+$/;
const NO_SYSTEMD = /not been booted with systemd|Failed to connect to bus|Host is down/i;
const STATUS_PROPS = 'Id,Description,LoadState,ActiveState,SubState,MainPID,NRestarts';

/**
 * systemd through `systemctl` (never D-Bus directly): failed units, unit status, `reset-failed`
 * and `restart`. Every call passes `--no-pager --plain` (and `--user` when asked).
 * @example await new SystemctlClient({ env: process.env }).failedUnits()
 */
export class SystemctlClient {
  private readonly base: string[];

  constructor(private readonly options: SystemctlOptions) {
    this.base = ['--no-pager', '--plain', ...(options.user ? ['--user'] : [])];
  }

  /**
   * Failed units: `list-units --failed --output=json`, and the plain column format when this
   * systemd does not know `--output=json`.
   */
  async failedUnits(): Promise<UnitRow[]> {
    const json = await this.run(['list-units', '--failed', '--output=json'], true);
    const rows = json.code === 0 ? parseUnitsJson(json.stdout) : undefined;
    if (rows) return rows;
    const plain = await this.run(['list-units', '--failed', '--no-legend']);
    return parsePlainUnits(plain.stdout);
  }

  /** `show` of one unit. A unit systemd does not know has `load: 'not-found'`. */
  async status(unit: string): Promise<UnitStatus> {
    const { stdout } = await this.run([
      'show',
      `--property=${STATUS_PROPS}`,
      '--',
      checkUnit(unit),
    ]);
    const p = parseShow(stdout);
    return {
      unit: p.Id || unit,
      description: p.Description ?? '',
      load: p.LoadState ?? '',
      active: p.ActiveState ?? '',
      sub: p.SubState ?? '',
      mainPid: Number(p.MainPID ?? 0) || 0,
      restarts: Number(p.NRestarts ?? 0) || 0,
    };
  }

  /** `reset-failed UNIT`. */
  async resetFailed(unit: string): Promise<void> {
    await this.run(['reset-failed', '--', checkUnit(unit)]);
  }

  /** `restart UNIT`. */
  async restart(unit: string): Promise<void> {
    await this.run(['restart', '--', checkUnit(unit)]);
  }

  /** The command line a call would run, for dry runs. */
  describe(action: 'reset-failed' | 'restart', unit: string): string {
    return ['systemctl', ...(this.options.user ? ['--user'] : []), action, checkUnit(unit)].join(
      ' ',
    );
  }

  /**
   * Throws `ERR_SYSTEMD_UNAVAILABLE` when the system manager is not running (no run folder, as
   * `sd_booted(3)` checks), without spawning anything; a dry run calls it so that it never promises
   * what cannot run. The user manager has no such marker: its absence shows on the first call.
   */
  assertAvailable(): void {
    const runDir = this.options.runDir ?? '/run/systemd/system';
    if (!this.options.user && !existsSync(runDir)) {
      throw processErrors.systemdUnavailable(`systemd is not running here (${runDir} is absent)`);
    }
  }

  private run(args: string[], tolerateFailure = false): Promise<{ code: number; stdout: string }> {
    try {
      this.assertAvailable();
    } catch (error) {
      return Promise.reject(error);
    }
    const full = [...this.base, ...args];
    return new Promise((resolve, reject) => {
      execFile(
        'systemctl',
        full,
        {
          env: this.options.env as NodeJS.ProcessEnv,
          timeout: this.options.timeoutMs ?? 10_000,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => {
          if (!error) return resolve({ code: 0, stdout });
          const errno = (error as NodeJS.ErrnoException).code;
          if (errno === 'ENOENT')
            return reject(
              processErrors.systemdUnavailable(
                'systemd is not available here: systemctl not found on PATH',
              ),
            );
          const detail = stderr.trim().split('\n')[0] || describeError(error);
          if (NO_SYSTEMD.test(stderr))
            return reject(
              processErrors.systemdUnavailable(`systemd is not running here: ${detail}`),
            );
          if (tolerateFailure)
            return resolve({ code: typeof errno === 'number' ? errno : 1, stdout });
          reject(processErrors.systemctlFailed(full, detail));
        },
      );
    });
  }
}

function checkUnit(unit: string): string {
  if (!UNIT.test(unit) || unit.startsWith('-')) throw processErrors.invalidUnit(unit);
  return unit;
}
