/** One NODE_OPTIONS flag's key: `--max-old-space-size=512` → `--max-old-space-size`. */
function flagKey(flag: string): string {
  const eq = flag.indexOf('=');
  return (eq < 0 ? flag : flag.slice(0, eq)).replace(/_/g, '-');
}

/** Splits NODE_OPTIONS into flags (space-separated; double quotes keep spaces, as Node reads them). */
export function splitNodeOptions(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (/\s/.test(ch) && !quoted) {
      if (current) out.push(current);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  // `--require x` as two words: keep the pair together.
  const joined: string[] = [];
  for (let i = 0; i < out.length; i++) {
    const name = out[i] === '-r' ? '--require' : out[i];
    if (/^(--require|--import|--loader)$/.test(name) && i + 1 < out.length)
      joined.push(`${name}=${out[++i]}`);
    else joined.push(out[i]);
  }
  return joined;
}

function quote(flag: string): string {
  const eq = flag.indexOf('=');
  if (!/\s/.test(flag) || eq < 0) return flag;
  return `${flag.slice(0, eq + 1)}"${flag.slice(eq + 1)}"`;
}

/**
 * The child's NODE_OPTIONS: our tuned flags first, then the user's own; where both set the same
 * flag the user's wins (ours is dropped). The agent's `--require` is added last; `--require` may
 * repeat, so it never replaces one of the user's.
 * @example
 * mergeNodeOptions(['--max-old-space-size=384', '--max-semi-space-size=16'], '--max-old-space-size=512')
 * // → '--max-semi-space-size=16 --max-old-space-size=512'
 */
export function mergeNodeOptions(
  ours: readonly string[],
  user: string | undefined,
  agentPath?: string,
): string {
  const theirs = splitNodeOptions(user);
  const taken = new Set(theirs.map(flagKey));
  const kept = ours.filter((flag) => !taken.has(flagKey(flag)));
  const all = [...kept, ...theirs];
  if (agentPath) all.push(`--require=${agentPath}`);
  return all.map(quote).join(' ');
}
