/**
 * Leak-detector benchmark: `npm run bench:leaks -- [folder] [--json] [--duration S] [--parallel N]
 * [--paths in-process,real] [--only a,b] [--trace FILE] [--replay FILE]`.
 *
 * Runs every workload of `<folder>/manifest.json` (`[{ "file", "label": "leak" | "ok", "rateMBPerMin"? }]`,
 * default: tools/bench/leak-corpus) with `DURATION_S` in its environment, through two paths at the
 * same time:
 * - in-process: the workload with leak-corpus/_inprocess.js preloaded, a host with the memory
 *   plugin inside it (@vitals/core and @vitals/memory transpiled from the tree with swc into a
 *   temp folder, so both paths run the same code, never a stale dist); it reports its verdicts and
 *   post-GC baselines over IPC. The classic heuristic ("the post-GC heap grew across 5
 *   consecutive major GCs") runs on the same baselines.
 * - real: the workload as a plain Node child under @vitals/startup's Supervisor (the `vitals run`
 *   agent in the child, post-GC batches `{service}` on a host stream) and the memory plugin in this
 *   process reading them — the path `vitals run` takes.
 * Both paths run the same detector, the same measurement-GC policy (the plugin's in process, the
 * agent's in the child) and the defaults. Two workloads at a time at most (each with both paths);
 * each child is killed 30 s after its duration if it has not stopped by itself.
 *
 * `--only a,b` runs some workloads; `--trace FILE` writes every post-GC point of both paths (JSON
 * lines: file, path, t ms since start, heap, external); `--replay FILE` re-scores such a file with
 * the detector in the tree instead of running anything.
 *
 * Budget: every leak of ≥ 1 MB/min found within 180 s on either path, no verdict "leak" on an
 * "ok" workload, and both paths agree.
 */
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { METRICS, createHost, createNoopLogger } from '@vitals/core';
import { BaselineReader, MEMORY_SERVICE, memoryPlugin } from '@vitals/memory';
import { Supervisor } from '@vitals/startup';
import { WORKSPACE_MODULES, buildPackages } from './transpile.util';

interface Entry {
  file: string;
  label: 'leak' | 'ok';
  rateMBPerMin?: number;
  note?: string;
}
interface PathResult {
  verdict: 'leak' | 'ok';
  detectedAfterS: number | null;
  rateMBPerHour: number | null;
  kind: 'heap' | 'external' | null;
  majorGcs: number;
}
interface Result extends PathResult {
  file: string;
  label: 'leak' | 'ok';
  classic: { verdict: 'leak' | 'ok'; detectedAfterS: number | null };
  real: PathResult | undefined;
  truthMBPerMin?: number;
}
type Msg =
  | { type: 'start'; t: number }
  | { type: 'gc'; t: number; heap: number; external: number }
  | { type: 'leak'; t: number; kind: 'heap' | 'external'; rate: number };

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const duration = Number(flag('--duration') ?? 240);
const parallel = Math.min(2, Math.max(1, Number(flag('--parallel') ?? 2)));
const paths = (flag('--paths') ?? 'in-process,real').split(',');
const only = flag('--only')?.split(',');
const tracePath = flag('--trace');
const replayPath = flag('--replay');
const json = args.includes('--json');
const folder = resolve(args.find((a) => !a.startsWith('--')) ?? join(__dirname, 'leak-corpus'));
const BUDGET_S = 180;

const preload = join(__dirname, 'leak-corpus', '_inprocess.js');
/** core and memory transpiled from the tree for the in-process path (set in main). */
let libModules = '';

/** One post-GC point of one path, appended to `--trace FILE` (JSON lines) for offline replay. */
function trace(
  file: string,
  path: 'in-process' | 'real',
  t: number,
  heap: number,
  external: number,
): void {
  if (tracePath)
    appendFileSync(tracePath, JSON.stringify({ file, path, t, heap, external }) + '\n');
}

/** In-process path: the memory plugin inside the workload. */
function runInProcess(entry: Entry): Promise<Omit<Result, 'real' | 'file' | 'label'>> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--require', preload, join(folder, entry.file)], {
      cwd: folder,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: {
        ...process.env,
        DURATION_S: String(duration),
        VITALS_BENCH_LIB: libModules,
        NODE_PATH: WORKSPACE_MODULES,
      },
    });
    let start = Date.now();
    const found: PathResult = {
      verdict: 'ok',
      detectedAfterS: null,
      rateMBPerHour: null,
      kind: null,
      majorGcs: 0,
    };
    const classic: Result['classic'] = { verdict: 'ok', detectedAfterS: null };
    let previous = Infinity;
    let rising = 0;
    child.on('message', (m: Msg) => {
      if (m.type === 'start') {
        start = m.t;
        return;
      }
      const t = m.t - start;
      if (m.type === 'leak') {
        if (found.detectedAfterS === null)
          Object.assign(found, {
            verdict: 'leak',
            detectedAfterS: Math.round(t / 1000),
            kind: m.kind,
            rateMBPerHour: Math.round(((m.rate * 3600) / 1048576) * 10) / 10,
          });
        return;
      }
      found.majorGcs++;
      trace(entry.file, 'in-process', t, m.heap, m.external);
      rising = m.heap > previous ? rising + 1 : 0;
      previous = m.heap;
      if (rising >= 5 && classic.detectedAfterS === null)
        classic.detectedAfterS = Math.round(t / 1000);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), (duration + 30) * 1000);
    child.on('exit', () => {
      clearTimeout(killer);
      if (classic.detectedAfterS !== null) classic.verdict = 'leak';
      done({ ...found, classic, truthMBPerMin: entry.rateMBPerMin });
    });
  });
}

/** Real path: a plain child under the Supervisor (agent), the memory plugin reading the stream. */
async function runReal(entry: Entry): Promise<PathResult> {
  const host = createHost({ env: {}, plugins: [memoryPlugin({ alerts: false })] });
  await host.start();
  const service = entry.file.replace(/\.js$/, '');
  const found: PathResult = {
    verdict: 'ok',
    detectedAfterS: null,
    rateMBPerHour: null,
    kind: null,
    majorGcs: 0,
  };
  let start = Date.now();
  host.stream.batches$.subscribe((b) => {
    const mine = (name: string) =>
      b.samples.find((s) => s.name === name && s.labels?.service === service);
    const heap = mine('vitals_heap_after_gc_bytes');
    if (!heap) return;
    found.majorGcs++;
    trace(
      entry.file,
      'real',
      b.at - start,
      heap.value,
      mine('vitals_external_after_gc_bytes')?.value ?? 0,
    );
  });
  host.resolve(MEMORY_SERVICE).leaks$.subscribe((e) => {
    if (e.service !== service || e.state !== 'detected' || found.detectedAfterS !== null) return;
    Object.assign(found, {
      verdict: 'leak',
      detectedAfterS: Math.round((e.at - start) / 1000),
      kind: e.kind,
      rateMBPerHour: Math.round(e.assessment.rateMBPerHour * 10) / 10,
    });
  });
  const supervisor = new Supervisor(
    {
      command: process.execPath,
      args: [join(folder, entry.file)],
      env: { ...process.env, DURATION_S: String(duration) },
      cwd: folder,
      name: service,
      restart: 'never',
    },
    { stream: host.stream, clock: host.clock, logger: createNoopLogger() },
  );
  start = Date.now();
  await supervisor.start();
  const killer = setTimeout(() => void supervisor.kill(), (duration + 30) * 1000);
  await supervisor.done;
  clearTimeout(killer);
  await host.stop('bench over');
  return found;
}

async function runOne(entry: Entry): Promise<Result> {
  const none: PathResult = {
    verdict: 'ok',
    detectedAfterS: null,
    rateMBPerHour: null,
    kind: null,
    majorGcs: 0,
  };
  const [inProcess, real] = await Promise.all([
    paths.includes('in-process')
      ? runInProcess(entry)
      : Promise.resolve({ ...none, classic: { verdict: 'ok' as const, detectedAfterS: null } }),
    paths.includes('real') ? runReal(entry) : Promise.resolve(undefined),
  ]);
  return { file: entry.file, label: entry.label, ...inProcess, real };
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
  const manifest = readManifest(folder).filter(
    (e) => !only || only.includes(e.file) || only.includes(e.file.replace(/\.js$/, '')),
  );
  if (manifest.length === 0) throw new Error(`--only ${only?.join(',')} matches no workload`);
  if (replayPath) return report(replay(manifest, replayPath));
  if (tracePath) writeFileSync(tracePath, '');
  const lib = mkdtempSync(join(tmpdir(), 'vitals-bench-leaks-'));
  libModules = buildPackages(lib, ['core', 'memory']);
  try {
    await runAll(manifest);
  } finally {
    rmSync(lib, { recursive: true, force: true });
  }
}

interface TracePoint {
  file: string;
  path: 'in-process' | 'real';
  t: number;
  heap: number;
  external: number;
}

/**
 * `--replay FILE`: re-scores the post-GC points of a `--trace` file with the detector in the tree
 * (the memory plugin's BaselineReader with its defaults, fed the same points at the same times),
 * without running the workloads: a detector change is then compared on the very same baselines.
 */
function replay(manifest: Entry[], file: string): Result[] {
  const points = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TracePoint);
  const score = (entry: Entry, path: TracePoint['path']): PathResult & { heaps: number[] } => {
    const mine = points.filter((p) => p.file === entry.file && p.path === path);
    mine.sort((a, b) => a.t - b.t);
    const found = {
      verdict: 'ok' as 'ok' | 'leak',
      detectedAfterS: null as number | null,
      rateMBPerHour: null as number | null,
      kind: null as 'heap' | 'external' | null,
      majorGcs: mine.length,
      heaps: mine.map((p) => p.heap),
    };
    const reader = new BaselineReader();
    reader.events$.subscribe((e) => {
      if (e.state !== 'detected' || found.detectedAfterS !== null) return;
      Object.assign(found, {
        verdict: 'leak',
        detectedAfterS: Math.round(e.at / 1000),
        kind: e.kind,
        rateMBPerHour: Math.round(e.assessment.rateMBPerHour * 10) / 10,
      });
    });
    const labels = { service: entry.file };
    for (const p of mine)
      reader.ingest({
        source: 'replay',
        at: p.t,
        samples: [
          { name: METRICS.heapAfterGcBytes, value: p.heap, labels },
          { name: METRICS.externalAfterGcBytes, value: p.external, labels },
        ],
      });
    reader.close();
    return found;
  };
  return manifest.map((entry) => {
    const { heaps, ...inProcess } = score(entry, 'in-process');
    const { heaps: _ignored, ...real } = score(entry, 'real');
    const times = points.filter((p) => p.file === entry.file && p.path === 'in-process');
    let rising = 0;
    let at: number | null = null;
    heaps.forEach((h, i) => {
      rising = i > 0 && h > heaps[i - 1] ? rising + 1 : 0;
      if (rising >= 5 && at === null) at = Math.round(times[i].t / 1000);
    });
    return {
      file: entry.file,
      label: entry.label,
      ...inProcess,
      classic: { verdict: at === null ? 'ok' : 'leak', detectedAfterS: at },
      real: real.majorGcs > 0 ? real : undefined,
      truthMBPerMin: entry.rateMBPerMin,
    };
  });
}

async function runAll(manifest: Entry[]): Promise<void> {
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
  report(results);
}

function report(results: Result[]): void {
  if (json) {
    console.log(JSON.stringify(results));
    return;
  }
  const cell = (p: PathResult | undefined, label: string): string[] =>
    p === undefined
      ? ['-', '-', '-', '-']
      : [
          p.verdict + (p.verdict === label ? '' : ' ✗'),
          p.detectedAfterS === null ? '-' : `${p.detectedAfterS} s`,
          p.rateMBPerHour === null ? '-' : `${(p.rateMBPerHour / 60).toFixed(2)} MB/min`,
          String(p.majorGcs),
        ];
  const rows = [
    [
      'workload',
      'truth',
      'in-process',
      'at',
      'est. rate',
      'GCs',
      'real (vitals run)',
      'at',
      'est. rate',
      'GCs',
      'classic',
      'classic at',
    ],
  ];
  for (const r of results) {
    rows.push([
      r.file,
      r.label === 'leak' ? `leak ${r.truthMBPerMin ?? '?'} MB/min` : 'ok',
      ...cell(r, r.label),
      ...cell(r.real, r.label),
      r.classic.verdict + (r.classic.verdict === r.label ? '' : ' ✗'),
      r.classic.detectedAfterS === null ? '-' : `${r.classic.detectedAfterS} s`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
  const leaks = results.filter((r) => r.label === 'leak' && (r.truthMBPerMin ?? 1) >= 1);
  const score = (pick: (r: Result) => PathResult | undefined): { line: string; met: boolean } => {
    const inTime = leaks.filter((r) => {
      const p = pick(r);
      return p?.verdict === 'leak' && (p.detectedAfterS ?? Infinity) <= BUDGET_S;
    }).length;
    const fp = results.filter((r) => r.label === 'ok' && pick(r)?.verdict === 'leak').length;
    return {
      line: `${inTime}/${leaks.length} leaks found within ${BUDGET_S} s, ${fp} false positive(s)`,
      met: inTime === leaks.length && fp === 0,
    };
  };
  const inProc = score((r) => r);
  const real = score((r) => r.real);
  const classic = score((r) => ({ ...r, ...r.classic, rateMBPerHour: null, kind: null }));
  const agree = results.filter((r) => r.real && r.real.verdict === r.verdict).length;
  console.log(`\nin-process: ${inProc.line}`);
  if (paths.includes('real'))
    console.log(`real:       ${real.line}\nverdicts agree on ${agree}/${results.length}`);
  console.log(`classic:    ${classic.line}`);
  const met = inProc.met && (!paths.includes('real') || (real.met && agree === results.length));
  console.log(
    `budget (every leak ≥ 1 MB/min within ${BUDGET_S} s on each path, no false positive, paths agree): ${met ? 'met' : 'NOT met'}`,
  );
}

main().catch((error: unknown) => {
  console.error(`bench:leaks: ${(error as Error).message}`);
  process.exitCode = 1;
});
