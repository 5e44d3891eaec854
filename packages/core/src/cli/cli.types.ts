import type { Writable } from 'node:stream';
import type { HostHandle } from '../host/host.types';
import type { VitalsConfig } from '../config/config.types';

/** One option of a command, in `node:util` `parseArgs` form plus help text. */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly description: string;
  /** Shown in help, e.g. `N`, `SIZE`. */
  readonly valueName?: string;
}

/** What a command's `run` receives. */
export interface CliContext {
  /** Parsed options by name. */
  readonly options: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  /** Positionals after the command name (and everything after `--` when the command allows it). */
  readonly positionals: readonly string[];
  /** Arguments after `--`, verbatim. */
  readonly rest: readonly string[];
  /** The host, built and registered but not started: call `host.start()` if the command needs it. */
  readonly host: HostHandle;
  readonly config: VitalsConfig;
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Resolves when the user asks the command to stop (SIGINT/SIGTERM), for long-running commands. */
  readonly stopSignal: AbortSignal;
}

/**
 * Multi-token contract: a `vitals` subcommand. `name` may have two words (`heap diff`). `run`
 * returns the exit code. Throw a `VitalsError` for a one-line failure; the CLI prints its message.
 */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Usage line after `vitals <name>`, e.g. `[--pid N] [--json]`. */
  readonly usage?: string;
  readonly options?: Readonly<Record<string, CliOption>>;
  /** Accepts positionals (and `-- args`). @default false */
  readonly positionals?: boolean;
  run(ctx: CliContext): number | void | Promise<number | void>;
}
