import { createReadStream } from 'node:fs';
import { memoryError } from '../memory.errors';

/** Count and self (shallow) size of the live objects of one constructor. */
export interface ConstructorStats {
  readonly count: number;
  readonly selfSize: number;
}

/** A heap snapshot reduced to totals per constructor. */
export interface HeapSummary {
  readonly nodeCount: number;
  readonly totalSelfSize: number;
  readonly byConstructor: ReadonlyMap<string, ConstructorStats>;
}

const NAMED_TYPES = new Set(['object', 'native']);
const GROUP: Record<string, string> = {
  string: '(string)',
  'concatenated string': '(string)',
  'sliced string': '(string)',
  array: '(array)',
  code: '(compiled code)',
  hidden: '(system)',
  closure: '(closure)',
  'object shape': '(system)',
};
const MAX_HEADER = 16 * 1024 * 1024;

/**
 * Streams a `.heapsnapshot` file (hundreds of MB are fine: nothing is held but one chunk and the
 * per-constructor totals). A small tokenizer reads the `snapshot.meta` header, then the numbers of
 * the `nodes` array (type, name, self size per node), skips edges and traces, and decodes only the
 * entries of the `strings` array that name a constructor.
 *
 * @example const s = await summarizeHeapSnapshot('a.heapsnapshot'); s.byConstructor.get('Session')
 */
export async function summarizeHeapSnapshot(path: string): Promise<HeapSummary> {
  let phase = 'header' as 'header' | 'nodes' | 'seek' | 'strings' | 'done';
  let buffer = '';
  let fields = 0,
    typeField = 0,
    nameField = 0,
    sizeField = 0,
    field = 0;
  let types: string[] = [];
  let num = -1,
    type = 0,
    name = 0,
    size = 0,
    nodeCount = 0,
    totalSelfSize = 0;
  const agg = new Map<number, { type: number; name: number; count: number; size: number }>();
  const wanted = new Map<number, string | undefined>();
  let str = 0,
    inString = false,
    escaped = false,
    raw = '',
    keep = false;

  const endNode = (): void => {
    const key = name * 64 + type;
    const a = agg.get(key);
    if (a) {
      a.count++;
      a.size += size;
    } else agg.set(key, { type, name, count: 1, size });
    if (NAMED_TYPES.has(types[type])) wanted.set(name, undefined);
    nodeCount++;
    totalSelfSize += size;
  };
  const number = (n: number): void => {
    if (field === typeField) type = n;
    else if (field === nameField) name = n;
    else if (field === sizeField) size = n;
    if (++field === fields) {
      field = 0;
      endNode();
    }
  };

  const feed = (text: string): void => {
    let i = 0;
    if (phase === 'header') {
      buffer += text;
      const at = buffer.indexOf('"nodes":[');
      if (at < 0) {
        if (buffer.length > MAX_HEADER) throw notSnapshot(path, 'no "nodes" array');
        return;
      }
      const meta = parseMeta(path, buffer.slice(0, at));
      fields = meta.node_fields.length;
      typeField = meta.node_fields.indexOf('type');
      nameField = meta.node_fields.indexOf('name');
      sizeField = meta.node_fields.indexOf('self_size');
      types = meta.node_types[0] as string[];
      if (typeField < 0 || nameField < 0 || sizeField < 0 || !Array.isArray(types))
        throw notSnapshot(path, 'unexpected node_fields');
      text = buffer.slice(at + 9);
      buffer = '';
      phase = 'nodes';
    }
    if (phase === 'nodes') {
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 48 && c <= 57) num = (num < 0 ? 0 : num * 10) + (c - 48);
        else {
          if (num >= 0) {
            number(num);
            num = -1;
          }
          if (c === 93 /* ] */) {
            phase = 'seek';
            i++;
            break;
          }
        }
      }
      if (phase === 'nodes') return;
      text = text.slice(i);
      i = 0;
    }
    if (phase === 'seek') {
      buffer += text;
      const at = buffer.indexOf('"strings":[');
      if (at < 0) {
        buffer = buffer.slice(-16);
        return;
      }
      text = buffer.slice(at + 11);
      buffer = '';
      phase = 'strings';
    }
    if (phase === 'strings') {
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
          if (escaped) {
            escaped = false;
            if (keep) raw += text[i];
            continue;
          }
          if (c === 92 /* \ */) {
            escaped = true;
            if (keep) raw += '\\';
            continue;
          }
          if (c === 34 /* " */) {
            inString = false;
            if (keep) wanted.set(str, JSON.parse(`"${raw}"`) as string);
            str++;
            continue;
          }
          if (keep) raw += text[i];
        } else if (c === 34) {
          inString = true;
          keep = wanted.has(str);
          raw = '';
        } else if (c === 93) {
          phase = 'done';
          return;
        }
      }
    }
  };

  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    feed(chunk as string);
    if (phase === 'done') break;
  }
  if (phase !== 'done') throw notSnapshot(path, `ended while reading ${phase}`);
  const byConstructor = new Map<string, { count: number; selfSize: number }>();
  for (const a of agg.values()) {
    const t = types[a.type] ?? 'unknown';
    const key = NAMED_TYPES.has(t) ? (wanted.get(a.name) ?? '(unknown)') : (GROUP[t] ?? `(${t})`);
    const s = byConstructor.get(key);
    if (s) {
      s.count += a.count;
      s.selfSize += a.size;
    } else byConstructor.set(key, { count: a.count, selfSize: a.size });
  }
  return { nodeCount, totalSelfSize, byConstructor };
}

function parseMeta(path: string, header: string): { node_fields: string[]; node_types: unknown[] } {
  try {
    const parsed = JSON.parse(`${header.trim().replace(/,$/, '')}}`) as {
      snapshot?: { meta?: { node_fields: string[]; node_types: unknown[] } };
    };
    if (!parsed.snapshot?.meta) throw new Error('no snapshot.meta');
    return parsed.snapshot.meta;
  } catch (error) {
    throw notSnapshot(path, (error as Error).message);
  }
}

function notSnapshot(path: string, why: string): Error {
  return memoryError(
    'ERR_HEAP_SNAPSHOT_FORMAT',
    `${path} is not a V8 .heapsnapshot (${why}); write one with v8.writeHeapSnapshot() or DevTools`,
  );
}
