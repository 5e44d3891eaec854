import { parseArgs } from 'node:util';
import { parseBytes, parseDuration } from '@vitals/core';

/** Options of the demo bot's command line (`node bot.js --help`). */
export interface BotOptions {
  /** Orders (steps) per second, 1–200. @default 20 */
  readonly ordersPerSecond: number;
  /** Memory the deliberate leak retains per minute, bytes; 0 = no leak. @default 6M */
  readonly leakPerMinute: number;
  /** Throw an uncaught error after this long (ms), to show a crash and a restart. */
  readonly crashAfterMs: number | undefined;
  /** Print a status line this often, ms; 0 = never. @default 15s */
  readonly statusEveryMs: number;
}

/** Usage text of the bot. */
export const BOT_USAGE = `Usage: node bot.js [--orders-per-second N] [--leak SIZE] [--crash-after DURATION] [--status-every DURATION] [--tag TEXT]

A simulated trading bot for the Vitals demo: it quotes and trades against an in-memory exchange
and, with --leak, keeps a copy of the order book for every order forever (SIZE per minute).
  --orders-per-second N   steps per second, 1-200 (default 20)
  --leak SIZE             memory retained per minute, e.g. 6M; 0 = none (default 6M)
  --crash-after DURATION  crash with an uncaught error after DURATION (e.g. 3s)
  --status-every DURATION status line period (default 15s; 0 = none)
  --tag TEXT              ignored; marks a process (vitals demo uses it to find its own)
`;

/** A usage error: the message says what was wrong and what to do. */
export class BotUsageError extends Error {}

function ranged(name: string, value: number, lo: number, hi: number): number {
  if (!Number.isFinite(value) || value < lo || value > hi)
    throw new BotUsageError(`--${name} must be between ${lo} and ${hi} (got ${value})`);
  return value;
}

function parse<T>(name: string, raw: string, fn: (s: string) => T): T {
  try {
    return fn(raw);
  } catch {
    throw new BotUsageError(`--${name}: cannot read "${raw}"; see --help`);
  }
}

/**
 * Parses the bot's arguments.
 * @throws BotUsageError for an unknown flag or a value out of range
 */
export function parseBotOptions(argv: readonly string[]): BotOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        'orders-per-second': { type: 'string' },
        leak: { type: 'string' },
        'crash-after': { type: 'string' },
        'status-every': { type: 'string' },
        tag: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new BotUsageError(`${(error as Error).message.split('\n')[0]}; see --help`);
  }
  if (values['help']) return 'help';
  const str = (k: string) => values[k] as string | undefined;
  const ops = str('orders-per-second');
  const leak = str('leak');
  const crash = str('crash-after');
  const status = str('status-every');
  return {
    ordersPerSecond: ops === undefined ? 20 : ranged('orders-per-second', Number(ops), 1, 200),
    leakPerMinute:
      leak === undefined
        ? 6 * 1024 * 1024
        : ranged('leak', parse('leak', leak, parseBytes), 0, 1024 ** 3),
    crashAfterMs:
      crash === undefined
        ? undefined
        : ranged('crash-after', parse('crash-after', crash, parseDuration), 1, 86_400_000),
    statusEveryMs:
      status === undefined
        ? 15_000
        : ranged('status-every', parse('status-every', status, parseDuration), 0, 3_600_000),
  };
}
