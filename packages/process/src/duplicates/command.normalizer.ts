import { basename, isAbsolute, resolve } from 'node:path';

/** Interpreters whose first non-flag argument is the program (the script). */
const INTERPRETER =
  /^(node|nodejs|bun|deno|tsx|ts-node|python[0-9.]*|ruby|perl|php|bash|sh|dash|zsh)$/;
/** Interpreter flags followed by a separate value (`-r dotenv/config`, `-W ignore`). */
const VALUE_FLAGS = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--title',
  '--env-file',
  '-C',
  '--conditions',
  '--inspect-port',
  '-W',
  '-X',
  '-I',
]);
/** Flags whose value IS the program: inline code or a module name. */
const PROGRAM_FLAGS: Record<string, string> = {
  '-e': 'eval',
  '--eval': 'eval',
  '-p': 'eval',
  '--print': 'eval',
  '-c': 'eval',
  '-m': 'module',
};

/** A command line reduced to what identifies the program it runs. */
export interface NormalizedCommand {
  /** Grouping key: processes with equal keys run the same program. */
  readonly key: string;
  /** The same, readable: `node /srv/bot/bot.js --live`. */
  readonly display: string;
  /** The parts joined in `key` and `display`: interpreter, program, the program's arguments. */
  readonly parts: readonly string[];
  /** Index in `parts` of the program: the resolved script (1 under an interpreter) or the executable (0). */
  readonly programIndex: number;
}

/**
 * Normalizes a command line so that copies of one program compare equal: the interpreter by its
 * base name (`/usr/bin/node` = `node`), interpreter flags dropped (`--max-old-space-size=…`,
 * `-r x`), the script resolved against the process's working folder (`node ./bot.js` started from
 * /srv/bot = `node /srv/bot/bot.js`); the program's own arguments are kept.
 * @param argv - the command line, as `/proc/<pid>/cmdline` gives it.
 * @param cwd - the process's working folder; relative paths stay as they are without it.
 * @returns undefined for an empty command line (kernel threads, zombies).
 * @example normalizeCommand(['node', '--inspect', './bot.js'], '/srv/bot')?.display // 'node /srv/bot/bot.js'
 */
export function normalizeCommand(
  argv: readonly string[],
  cwd?: string,
): NormalizedCommand | undefined {
  if (argv.length === 0 || argv[0] === '') return undefined;
  const exe = basename(argv[0]);
  const parts: string[] = [];
  let i = 1;
  if (INTERPRETER.test(exe)) {
    parts.push(exe);
    let program: string | undefined;
    for (; i < argv.length && program === undefined; i++) {
      const arg = argv[i];
      if (arg in PROGRAM_FLAGS) {
        program = `${PROGRAM_FLAGS[arg]}:${argv[i + 1] ?? ''}`;
        i++;
      } else if (VALUE_FLAGS.has(arg)) {
        i++;
      } else if (arg === '--') {
        program = argv[i + 1] !== undefined ? absolute(argv[i + 1], cwd) : '';
        i++;
      } else if (!arg.startsWith('-') && !(arg === 'run' && (exe === 'deno' || exe === 'bun'))) {
        program = absolute(arg, cwd);
      }
    }
    if (program !== undefined && program !== '') parts.push(program);
  } else {
    parts.push(argv[0].includes('/') ? absolute(argv[0], cwd) : argv[0]);
  }
  const programIndex = parts.length - 1;
  parts.push(...argv.slice(i));
  return { key: parts.join('\0'), display: parts.join(' '), parts, programIndex };
}

function absolute(path: string, cwd: string | undefined): string {
  if (isAbsolute(path)) return resolve(path);
  return cwd ? resolve(cwd, path) : path;
}
