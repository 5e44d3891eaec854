/**
 * Leak-detector benchmark: `npm run bench:leaks -- [folder] [--json] [--duration S] [--parallel N]`.
 *
 * Runs every workload of `<folder>/manifest.json` (`[{ "file", "label": "leak" | "ok", "rateMBPerMin"? }]`,
 * default: tools/bench/leak-corpus) as a plain Node child with `DURATION_S` in its environment and
 * leak-corpus/_sampler.js preloaded; the sampler reports the heap and external memory after every
 * major GC over IPC, and this process feeds them to two `LeakDetector`s (heap, external) on the
 * child's timestamps. Beside it, in the same run, the classic heuristic: "the post-GC heap grew
 * across 5 consecutive major GCs". Two workloads at a time at most; each child is killed 30 s after
 * its duration if it has not stopped by itself.
 *
 * Budget: every leak of ≥ 1 MB/min found within 180 s, no verdict "leak" on an "ok" workload.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LeakDetector } from '@vitals/memory';

interface Entry {
  file: string;
  label: 'leak' | 'ok';
  rateMBPerMin?: number;
  note?: string;
}
interface Result {
  file: string;
  label: 'leak' | 'ok';
  verdict: 'leak' | 'ok';
  detectedAfterS: number | null;
  rateMBPerHour: number | null;
  kind: 'heap' | 'external' | null;
  classic: { verdict: 'leak' | 'ok'; detectedAfterS: number | null };
  majorGcs: number;
  truthMBPerMin?: number;
}
type Msg =
  | { type: 'start'; t: number; heapLimit: number }
  | { type: 'gc'; t: number; heap: number; external: number };

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const duration = Number(flag('--duration') ?? 240);
const parallel = Math.min(2, Math.max(1, Number(flag('--parallel') ?? 2)));
const json = args.includes('--json');
const folder = resolve(args.find((a) => !a.startsWith('--')) ?? join(__dirname, 'leak-corpus'));
const sampler = join(__dirname, 'leak-corpus', '_sampler.js');
const BUDGET_S = 180;

function runOne(entry: Entry): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--require', sampler, join(folder, entry.file)], {
      cwd: folder,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, DURATION_S: String(duration) },
    });
    const detectors = { heap: new LeakDetector(), external: new LeakDetector() };
    let start = 0;
    let limit: number | undefined;
    const found: Pick<Result, 'detectedAfterS' | 'rateMBPerHour' | 'kind'> = {
      detectedAfterS: null,
      rateMBPerHour: null,
      kind: null,
    };
    const classic: Result['classic'] = { verdict: 'ok', detectedAfterS: null };
    let previous = Infinity;
    let rising = 0;
    let majorGcs = 0;
    let lastAssess = 0;
    child.on('message', (m: Msg) => {
      if (m.type === 'start') {
        start = m.t;
        limit = m.heapLimit;
        return;
      }
      majorGcs++;
      const t = m.t - start;
      rising = m.heap > previous ? rising + 1 : 0;
      previous = m.heap;
      if (rising >= 5 && classic.detectedAfterS === null)
        classic.detectedAfterS = Math.round(t / 1000);
      detectors.heap.add(t, m.heap);
      detectors.external.add(t, m.external);
      if (t - lastAssess < 1000) return;
      lastAssess = t;
      for (const kind of ['heap', 'external'] as const) {
        const a = detectors[kind].assess(t, limit);
        if (!a.leaking) continue;
        if (found.detectedAfterS === null)
          Object.assign(found, { detectedAfterS: Math.round(t / 1000), kind });
        if (found.kind === kind) found.rateMBPerHour = Math.round(a.rateMBPerHour * 10) / 10;
      }
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), (duration + 30) * 1000);
    child.on('exit', () => {
      clearTimeout(killer);
      if (classic.detectedAfterS !== null) classic.verdict = 'leak';
      done({
        file: entry.file,
        label: entry.label,
        verdict: found.detectedAfterS === null ? 'ok' : 'leak',
        ...found,
        classic,
        majorGcs,
        truthMBPerMin: entry.rateMBPerMin,
      });
    });
  });
}

/** The folder's manifest, checked: one clear line (and exit code 1) on anything wrong. */
function readManifest(dir: string): Entry[] {
  const path = join(dir, 'manifest.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const shape = 'an array of { "file": "x.js", "label": "leak" | "ok" }';
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error(`${path} must be ${shape}`);
  for (const [i, e] of (parsed as Partial<Entry>[]).entries()) {
    if (typeof e?.file !== 'string' || (e.label !== 'leak' && e.label !== 'ok'))
      throw new Error(`${path} entry ${i} must be { "file": "x.js", "label": "leak" | "ok" }`);
    if (!existsSync(join(dir, e.file))) throw new Error(`${path} entry ${i}: no file ${e.file}`);
  }
  return parsed as Entry[];
}

async function main(): Promise<void> {
  const manifest = readManifest(folder);
  const results: Result[] = new Array(manifest.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < manifest.length) {
      const i = next++;
      results[i] = await runOne(manifest[i]);
      if (!json) process.stderr.write(`  done ${manifest[i].file}\n`);
    }
  };
  if (!json)
    process.stderr.write(
      `bench:leaks ${folder}: ${manifest.length} workloads × ${duration} s, ${parallel} at a time\n`,
    );
  await Promise.all(Array.from({ length: parallel }, worker));
  if (json) {
    console.log(
      JSON.stringify(
        results.map(({ file, label, verdict, detectedAfterS, rateMBPerHour }) => ({
          file,
          label,
          verdict,
          detectedAfterS,
          rateMBPerHour,
        })),
      ),
    );
    return;
  }
  const rows = [
    [
      'workload',
      'truth',
      'verdict',
      'detected',
      'est. rate',
      'via',
      'classic',
      'classic at',
      'major GCs',
    ],
  ];
  for (const r of results) {
    rows.push([
      r.file,
      r.label === 'leak' ? `leak ${r.truthMBPerMin ?? '?'} MB/min` : 'ok',
      r.verdict + (r.verdict === r.label ? '' : ' ✗'),
      r.detectedAfterS === null ? '-' : `${r.detectedAfterS} s`,
      r.rateMBPerHour === null ? '-' : `${(r.rateMBPerHour / 60).toFixed(2)} MB/min`,
      r.kind ?? '-',
      r.classic.verdict + (r.classic.verdict === r.label ? '' : ' ✗'),
      r.classic.detectedAfterS === null ? '-' : `${r.classic.detectedAfterS} s`,
      String(r.majorGcs),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  const score = (
    pick: (r: Result) => { verdict: string; detectedAfterS: number | null },
  ): string => {
    const leaks = results.filter((r) => r.label === 'leak' && (r.truthMBPerMin ?? 1) >= 1);
    const inTime = leaks.filter(
      (r) => pick(r).verdict === 'leak' && (pick(r).detectedAfterS ?? Infinity) <= BUDGET_S,
    ).length;
    const fp = results.filter((r) => r.label === 'ok' && pick(r).verdict === 'leak').length;
    return `${inTime}/${leaks.length} leaks found within ${BUDGET_S} s, ${fp} false positive(s)`;
  };
  const detector = score((r) => r);
  console.log(`\ndetector: ${detector}\nclassic:  ${score((r) => r.classic)}`);
  const met =
    detector.startsWith(
      `${results.filter((r) => r.label === 'leak' && (r.truthMBPerMin ?? 1) >= 1).length}/`,
    ) && detector.includes(' 0 false');
  console.log(
    `budget (every leak ≥ 1 MB/min within ${BUDGET_S} s, no false positive): ${met ? 'met' : 'NOT met'}`,
  );
}

main().catch((error: unknown) => {
  console.error(`bench:leaks: ${(error as Error).message}`);
  process.exitCode = 1;
});
