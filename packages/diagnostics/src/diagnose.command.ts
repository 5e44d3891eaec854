import { escapeControl, isVitalsError, parseDuration } from '@vitals/core';
import type { CliCommand } from '@vitals/core';
import { diagnosticsError } from './diagnostics.errors';
import type { DiagnosticsConfig } from './diagnostics.options';
import { runDiagnostics } from './diagnostics.runner';
import type { RunDiagnosticsOptions } from './diagnostics.runner';
import { formatReport } from './report.format';
import { exitCodeOf, toJsonReport } from './report.json';

/**
 * Exit code of a malformed option (BSD `EX_USAGE`), the host CLI's code for usage errors, so a
 * typo is never mistaken for a critical finding (2).
 */
export const EXIT_USAGE = 64;

/** `--pid` as a pid, or a usage error. */
function parsePid(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const pid = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(pid) || pid <= 0) throw diagnosticsError.badPid(value);
  return pid;
}

/** Longest `--watch`: one sample a second is kept in memory for the whole window. */
const MAX_WATCH_MS = 3_600_000;

/** `--watch` as ms: a bare number is seconds, else a duration (`2m`); at most 1 h. */
function parseWatch(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw diagnosticsError.badWatch(value);
  let ms = NaN;
  try {
    ms = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) * 1000 : parseDuration(value);
  } catch {
    // reported below with the option's name
  }
  if (!(ms > 0)) throw diagnosticsError.badWatch(value);
  if (ms > MAX_WATCH_MS) throw diagnosticsError.watchTooLong(value);
  return ms;
}

/**
 * `vitals diagnose [--pid N] [--watch S] [--json]`: prints the report (human, or JSON with a
 * stable schema) and returns 0 (ok/info), 1 (warning) or 2 (critical). A pid that does not exist
 * or cannot be read prints one line on stderr and returns 2; a malformed option returns
 * {@link EXIT_USAGE}. Colour only on a TTY, and never with `NO_COLOR` set.
 * @example host.resolveAll<CliCommand>(CLI_COMMAND).find((c) => c.name === 'diagnose')
 */
export function diagnoseCommand(
  options: DiagnosticsConfig,
  overrides?: RunDiagnosticsOptions['overrides'],
): CliCommand {
  return {
    name: 'diagnose',
    summary: 'Check this machine and a process, with what to do about each problem',
    usage: '[--pid N] [--watch S] [--json]',
    options: {
      pid: {
        type: 'string',
        valueName: 'N',
        description: 'diagnose another process from outside, through /proc',
      },
      watch: {
        type: 'string',
        valueName: 'S',
        description: 'sample over S seconds and report growth rates',
      },
      json: { type: 'boolean', description: 'print one JSON document (schema version 1)' },
    },
    async run(ctx) {
      let pid: number | undefined;
      let watchMs: number | undefined;
      try {
        pid = parsePid(ctx.options.pid);
        watchMs = parseWatch(ctx.options.watch);
      } catch (error) {
        ctx.stderr.write(`vitals diagnose: ${escapeControl((error as Error).message)}\n`);
        return EXIT_USAGE;
      }
      try {
        const report = await runDiagnostics(ctx.host, {
          pid,
          watchMs,
          env: ctx.env,
          signal: ctx.stopSignal,
          options,
          overrides,
        });
        ctx.stdout.write(
          ctx.options.json
            ? `${JSON.stringify(toJsonReport(report), null, 2)}\n`
            : formatReport(report, { colour: ctx.stdout.isTTY === true && !ctx.env.NO_COLOR }),
        );
        return exitCodeOf(report.severity);
      } catch (error) {
        if (!isVitalsError(error, 'ERR_DIAGNOSE_PID')) throw error;
        ctx.stderr.write(`vitals diagnose: ${escapeControl(error.message)}\n`);
        return 2;
      }
    },
  };
}
