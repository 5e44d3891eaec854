import 'reflect-metadata';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import {
  CLI_COMMAND,
  createHost,
  isVitalsError,
  loadConfig,
  type CliCommand,
  type CliOption,
  type HostHandle,
  type LogLevel,
} from '@vitals/core';
import { startCommand } from './commands/start.command';
import { checkConfig } from './commands/config-check.command';
import { renderCommandHelp, renderHelp } from './cli.help';
import { createLogger, logFormatProblem, parseLogFormat } from './host.logger';
import { configuredPlugins, loadPlugins } from './plugin.loader';
import { supervisorDefaults } from './run.defaults';

/** Exit code of a command-line usage error (BSD `EX_USAGE`), distinct from diagnose's 1 and 2. */
export const EXIT_USAGE = 64;

/**
 * Errors that are bad input, not a fault: a wrong flag (`ERR_USAGE`), a bad configuration (a
 * missing or unreadable file, invalid JSON, a value out of range in the file or a `VITALS_*`
 * variable) and a lock folder that cannot be trusted (`ERR_LOCK_DIR`). Each exits {@link EXIT_USAGE} whichever command found it; `vitals config check`
 * keeps its own contract (1 when the file has any problem).
 */
const USAGE_CODES: ReadonlySet<string> = new Set([
  'ERR_USAGE',
  'ERR_CONFIG_FILE',
  'ERR_CONFIG_INVALID',
  // @vitals/process: the lock folder (`--lock-dir`, `process.lockDir`) is not a folder or others
  // could replace the lock in it.
  'ERR_LOCK_DIR',
]);

/** The exit code of a VitalsError: 64 for bad input, 1 for any other failure. */
function exitCodeOf(error: { code: string }): number {
  return USAGE_CODES.has(error.code) ? EXIT_USAGE : 1;
}

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM. The binary wires it to the process signals. */
  readonly stopSignal: AbortSignal;
}

const GLOBAL_OPTIONS: Record<string, CliOption> = {
  config: {
    type: 'string',
    short: 'c',
    description: 'Config file (default ./vitals.config.json or $VITALS_CONFIG)',
    valueName: 'FILE',
  },
  help: {
    type: 'boolean',
    short: 'h',
    description: 'Show help (vitals <command> --help for one command)',
  },
  version: { type: 'boolean', short: 'v', description: 'Print the version' },
};

function version(): string {
  return (require('../package.json') as { version: string }).version;
}

/** Splits `argv` at the first `--`. */
function splitRest(argv: readonly string[]): { head: string[]; rest: string[] } {
  const i = argv.indexOf('--');
  return i < 0
    ? { head: [...argv], rest: [] }
    : { head: argv.slice(0, i), rest: argv.slice(i + 1) };
}

/**
 * Flags of a command that set another plugin's config key, applied before the host is built (the
 * plugins validate their config when they register): `vitals run --snapshot-on-leak` turns on the
 * memory plugin's `memory.snapshotOnLeak`. Returned as `VITALS_*` overrides for loadConfig only.
 */
const CONFIG_FLAGS: Record<string, Record<string, { env: string; value?: string }>> = {
  run: {
    '--snapshot-on-leak': { env: 'VITALS_MEMORY__SNAPSHOT_ON_LEAK', value: 'true' },
    '--snapshot-dir': { env: 'VITALS_MEMORY__SNAPSHOT_DIR' },
  },
};

function configFlags(command: string | undefined, head: readonly string[]): Record<string, string> {
  const flags = command ? CONFIG_FLAGS[command] : undefined;
  const out: Record<string, string> = {};
  if (!flags) return out;
  for (let i = 0; i < head.length; i++) {
    const [name, inline] = head[i].split(/=(.*)/s, 2);
    const spec = flags[name];
    if (!spec) continue;
    // The flag's own value is a string (a folder): JSON so a name such as `123` stays a string.
    const given = inline ?? head[i + 1];
    if (spec.value !== undefined) out[spec.env] = spec.value;
    else if (given !== undefined) out[spec.env] = JSON.stringify(given);
  }
  return out;
}

/** The command words: arguments that are not options, nor the value of `-c`/`--config`. */
function commandWords(head: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < head.length; i++) {
    if (head[i] === '--config' || head[i] === '-c') i++;
    else if (!head[i].startsWith('-')) words.push(head[i]);
  }
  return words;
}

/**
 * Whether `argv` runs a command that must outlive whoever reads its output: `vitals run`
 * supervises a child and `vitals start` is the host; a closed terminal or a log shipper that went
 * away (EPIPE, EIO on stdout/stderr) must not end them. Other commands exit quietly instead
 * (`vitals ps | head`).
 */
export function outlivesItsReader(argv: readonly string[]): boolean {
  const word = commandWords(splitRest(argv).head)[0];
  return word === 'run' || word === 'start';
}

/** Finds `--config FILE`/`-c FILE`/`--config=FILE` anywhere before `--`. */
function findConfigFlag(head: readonly string[]): string | undefined {
  for (let i = 0; i < head.length; i++) {
    const arg = head[i];
    if (arg === '--config' || arg === '-c') return head[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return undefined;
}

/** The arguments after the command's last word (skipping a `-c FILE` given before it). */
function afterCommand(head: readonly string[], name: string): string[] {
  const last = name.split(' ').pop() as string;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === '--config' || head[i] === '-c') i++;
    else if (head[i] === last) return head.slice(i + 1);
  }
  return [];
}

function findCommand(
  words: readonly string[],
  commands: readonly CliCommand[],
): CliCommand | undefined {
  const two = words.slice(0, 2).join(' ');
  return commands.find((c) => c.name === two) ?? commands.find((c) => c.name === words[0]);
}

function defaultIo(): CliIo {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    // A command that installed its own handlers (vitals run kills its child group) owns the
    // second signal; otherwise a second Ctrl-C exits at once.
    if (signals > 1 && process.listenerCount(signal) === 1) {
      process.stderr.write(`vitals: second ${signal}, exiting now\n`);
      process.exit(128 + (os.constants.signals[signal] ?? 2));
    }
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stopSignal: controller.signal,
  };
}

/**
 * The `vitals` command line. Loads the config and the plugins, builds the host (not started),
 * finds the command among the built-in ones and those plugins contribute on CLI_COMMAND, parses
 * its options and runs it. Returns the exit code; errors a user can fix are one line on stderr.
 */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const err = (line: string) => io.stderr.write(`vitals: ${line}\n`);
  const { head, rest } = splitRest(argv);
  if (head[0] === '--version' || head[0] === '-v') {
    io.stdout.write(version() + '\n');
    return 0;
  }
  const configFile = findConfigFlag(head);
  // `-c "$CONFIG"` with $CONFIG empty must not quietly run on ./vitals.config.json or defaults.
  if (configFile === '') {
    err('-c/--config needs a file name (got "")');
    return EXIT_USAGE;
  }
  const words = commandWords(head);
  if (words[0] === 'config' && (words[1] === 'check' || words[1] === undefined)) {
    if (head.includes('--help') || head.includes('-h')) {
      io.stdout.write(
        'Usage: vitals config check [file]\n\nValidates a configuration file and prints every problem on one line; exit code 1 if there is any.\n',
      );
      return 0;
    }
    // Same rules as every other command: an unknown flag or a third argument is a usage error.
    const unknown = head.find(
      (a, i) =>
        a.startsWith('-') &&
        !['-c', '--config'].includes(a) &&
        !a.startsWith('--config=') &&
        !['-c', '--config'].includes(head[i - 1] ?? ''),
    );
    if (unknown !== undefined || words.length > 3 || rest.length > 0) {
      err(
        `config check: ${unknown !== undefined ? `unknown option ${JSON.stringify(unknown)}` : 'takes at most one file'} (see vitals config check --help)`,
      );
      return EXIT_USAGE;
    }
    const file = words[2] ?? configFile;
    return await checkConfig({ file, cwd: io.cwd, env: io.env, stdout: io.stdout });
  }

  const format = parseLogFormat(io.env['VITALS_LOG_FORMAT']);
  if (format === undefined) {
    err(logFormatProblem(io.env['VITALS_LOG_FORMAT']) as string);
    return EXIT_USAGE;
  }
  let host: HostHandle;
  try {
    const env: Record<string, string | undefined> = { ...io.env, ...configFlags(words[0], head) };
    // `rules export` starts the host only to gather its rules: never on the port of the host
    // that is already running with the same config.
    if (words[0] === 'rules') env['VITALS_HTTP__PORT'] = '0';
    const loaded = loadConfig({ file: configFile, cwd: io.cwd, env });
    const plugins = loadPlugins(configuredPlugins(loaded), { cwd: io.cwd });
    const isStart = words[0] === 'start';
    const level = (loaded.values['log'] as { level?: LogLevel } | undefined)?.level;
    const logger = createLogger({
      level: isStart ? (level ?? 'info') : (level ?? 'warn'),
      stream: isStart ? 'stdout' : 'stderr',
      format,
    });
    host = createHost({
      plugins: plugins.map((p) => p.plugin),
      config: supervisorDefaults(
        words[0],
        loaded,
        plugins.map((p) => p.plugin.name),
      ),
      logger,
      env: io.env,
    });
  } catch (error) {
    if (isVitalsError(error)) {
      for (const line of error.message.split('\n')) err(line);
      return exitCodeOf(error);
    }
    throw error;
  }

  const commands = [startCommand, ...host.resolveAll<CliCommand>(CLI_COMMAND)];
  const wantsHelp = head.includes('--help') || head.includes('-h');
  const command = findCommand(words, commands);
  if (!command) {
    const unknownOption = head.find(
      (a) => a.startsWith('-') && a !== '-c' && a !== '--config' && !a.startsWith('--config='),
    );
    if (words.length === 0 && !wantsHelp && unknownOption !== undefined) {
      err(`unknown option ${JSON.stringify(unknownOption)}; run vitals --help to see the commands`);
      return EXIT_USAGE;
    }
    if (words.length === 0 || wantsHelp) {
      io.stdout.write(renderHelp(version(), commands, GLOBAL_OPTIONS, host.plugins));
      return words.length === 0 && !wantsHelp ? EXIT_USAGE : 0;
    }
    err(`unknown command "${words[0]}"; run vitals --help to see the commands`);
    return EXIT_USAGE;
  }
  if (wantsHelp) {
    io.stdout.write(renderCommandHelp(command, GLOBAL_OPTIONS));
    return 0;
  }

  const argsAfterName = afterCommand(head, command.name);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argsAfterName,
      options: { ...GLOBAL_OPTIONS, ...(command.options ?? {}) },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    err(
      `${command.name}: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')} (see vitals ${command.name} --help)`,
    );
    return EXIT_USAGE;
  }
  if (rest.length > 0 && !command.positionals) {
    err(`${command.name} takes no arguments after --; run vitals ${command.name} --help`);
    return EXIT_USAGE;
  }

  try {
    const code = await command.run({
      options: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals,
      rest,
      host,
      config: host.config,
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
      cwd: io.cwd,
      stopSignal: io.stopSignal,
    });
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    if (isVitalsError(error)) {
      for (const line of error.message.split('\n')) err(line);
      // Usage and config errors exit 64 whichever plugin's command found them, as the README says.
      return exitCodeOf(error);
    }
    err(`${command.name} failed: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  } finally {
    if (host.state !== 'stopped') await host.stop('cli exit');
  }
}
