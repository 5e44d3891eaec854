import { isAbsolute, resolve } from 'node:path';
import type { NormalizedCommand } from './command.normalizer';

/**
 * Whether a process belongs to a configured service (`duplicates.services[].match`), by whole
 * arguments, never by substring (issue 11: with `match: "bot.js"`, `tail -f bot.js.log` joined
 * the group and the real bot was planned for SIGTERM).
 *
 * `match` is split on white space into words; they must equal consecutive parts of the
 * normalized command (see `normalizeCommand`), starting at the interpreter or at the program.
 * A word compared with the program or the interpreter (a path) matches the whole path, its last
 * segments on a `/` boundary (`bot.js` and `bot/bot.js` match `/srv/bot/bot.js`), or, when the
 * word is an absolute path, the path itself or anything under it (`/srv/bot` matches
 * `/srv/bot/bot.js`). Later words must equal the program's arguments exactly.
 * @example matchesService('bot.js --live', normalizeCommand(['node', 'bot.js', '--live'], '/srv/bot')!) // true
 */
export function matchesService(match: string, command: NormalizedCommand): boolean {
  const words = match.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return false;
  const starts = command.programIndex > 0 ? [0, command.programIndex] : [0];
  return starts.some((start) =>
    words.every((word, j) => {
      const at = start + j;
      const part = command.parts[at];
      if (part === undefined) return false;
      return at <= command.programIndex ? pathMatches(word, part) : part === word;
    }),
  );
}

function pathMatches(word: string, path: string): boolean {
  if (path === word) return true;
  if (isAbsolute(word)) {
    const base = resolve(word);
    return path === base || path.startsWith(base === '/' ? '/' : `${base}/`);
  }
  const tail = word.replace(/^(\.\/)+/, '');
  return tail !== '' && path.endsWith(`/${tail}`);
}
