/** One parsed sample line. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** What {@link parseExposition} returns. */
export interface ParsedExposition {
  readonly help: Map<string, string>;
  readonly type: Map<string, string>;
  readonly samples: ParsedSample[];
}

/**
 * A strict parser of the text exposition format 0.0.4 for tests: throws on a malformed line, a
 * second HELP/TYPE for one family, a bad escape, a sample outside the family of the TYPE line
 * before it (samples of a family must be together), or the same series twice, as Prometheus does.
 */
export function parseExposition(text: string): ParsedExposition {
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: ParsedSample[] = [];
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const seen = new Set<string>();
  let family: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const map = meta[1] === 'HELP' ? help : type;
      if (map.has(meta[2])) throw new Error(`second ${meta[1]} for ${meta[2]}`);
      map.set(meta[2], meta[1] === 'HELP' ? unescape(meta[3], false) : meta[3]);
      if (meta[1] === 'TYPE') family = meta[2];
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`malformed line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
      let consumed = 0;
      for (let l = re.exec(m[3]); l; l = re.exec(m[3])) {
        labels[l[1]] = unescape(l[2], true);
        consumed = re.lastIndex;
      }
      if (consumed !== m[3].length) throw new Error(`malformed labels: ${m[3]}`);
    }
    const raw = m[4];
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (raw !== 'NaN' && Number.isNaN(value)) throw new Error(`bad value: ${raw}`);
    const base =
      type.get(family ?? '') === 'histogram' ? m[1].replace(/_(bucket|sum|count)$/, '') : m[1];
    if (base !== family)
      throw new Error(`sample ${m[1]} outside its family (last TYPE: ${family})`);
    const key = `${m[1]}{${Object.entries(labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(key)) throw new Error(`duplicate series ${key}`);
    seen.add(key);
    samples.push({ name: m[1], labels, value });
  }
  return { help, type, samples };
}

function unescape(s: string, quotes: boolean): string {
  return s.replace(/\\(.)/g, (_, c: string) => {
    if (c === 'n') return '\n';
    if (c === '\\') return '\\';
    if (c === '"' && quotes) return '"';
    throw new Error(`bad escape \\${c}`);
  });
}
