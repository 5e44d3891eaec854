/**
 * Stream hot-path benchmark: `npm run bench:stream [-- <batches per run> <runs>]`.
 *
 * Publishes batches of 30 samples (12 without labels, 10 with one, 8 with two) through a
 * MetricStream with three subscribers, a History and an AlertEngine attached, and prints the
 * median throughput over several runs of three configurations, interleaved so machine noise
 * hits them alike:
 *   - stream:   the stream and its three subscribers only (the peer the others are read against);
 *   - rules20:  + History + AlertEngine with 20 rules on metrics of the batch;
 *   - rules220: the same plus 200 rules on metrics the batch does not carry.
 * rules220 / rules20 ≈ 1 shows that per-batch cost does not grow with rules for other metrics.
 * Budget: ≥ 100,000 batches/s for rules20.
 */
import { filter } from 'rxjs';
import { AlertEngine, History, MetricStream } from '@vitals/core';
import type { AlertRuleInput, MetricBatch, Sample } from '@vitals/core';

const BATCHES = Number(process.argv[2] ?? 100_000);
const RUNS = Math.max(5, Number(process.argv[3] ?? 7));
const BUDGET = 100_000;
const POOL = 512;

const UNLABELED = [
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'process_open_fds',
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_utilization',
  'nodejs_active_handles_total',
  'vitals_system_memory_used_ratio',
  'node_memory_MemAvailable_bytes',
  'node_memory_SwapFree_bytes',
];
const ONE_LABEL: [string, string, string][] = [
  ...['user', 'system', 'idle', 'iowait'].map(
    (mode) => ['vitals_cpu_ratio', 'mode', mode] as [string, string, string],
  ),
  ...['0', '1', '2', '3'].map(
    (cpu) => ['vitals_cpu_core_ratio', 'cpu', cpu] as [string, string, string],
  ),
  ['nodejs_heap_space_size_used_bytes', 'space', 'old'],
  ['nodejs_heap_space_size_used_bytes', 'space', 'new'],
];
const MOUNTS = [
  ['sda1', '/'],
  ['sda2', '/home'],
  ['sdb1', '/data'],
  ['sdc1', '/var/log'],
];

/**
 * Values in 0.2..0.8 that spike to 0.97 for 8 batches once per pool cycle (a different moment for
 * each series), so alerts really go pending, fire and resolve, at a pessimistic rate.
 */
function wave(i: number, k: number): number {
  if ((i + 37 * k) % POOL < 8) return 0.97;
  return 0.5 + 0.3 * Math.sin((i + k * 7) / 23);
}

/** A pool of batches with fresh sample and label objects, as collectors produce them. */
function makePool(): Sample[][] {
  const pool: Sample[][] = [];
  for (let i = 0; i < POOL; i++) {
    const samples: Sample[] = [];
    UNLABELED.forEach((name, k) => samples.push({ name, value: wave(i, k) }));
    ONE_LABEL.forEach(([name, label, v], k) =>
      samples.push({ name, value: wave(i, k + 20), labels: { [label]: v } }),
    );
    MOUNTS.forEach(([device, mountpoint], k) => {
      samples.push({
        name: 'vitals_filesystem_used_ratio',
        value: wave(i, k + 40),
        labels: { device, mountpoint },
      });
      samples.push({
        name: 'node_filesystem_avail_bytes',
        value: wave(i, k + 50) * 1e11,
        labels: { device, mountpoint },
      });
    });
    pool.push(samples);
  }
  return pool;
}

function matchingRules(): AlertRuleInput[] {
  const rules: AlertRuleInput[] = UNLABELED.slice(0, 10).map((metric, k) => ({
    id: `r${k}`,
    metric,
    op: k % 2 ? '>' : '>=',
    threshold: 0.9,
    clear: 0.85,
    for: k % 3 ? '10s' : 0,
  }));
  rules.push({
    id: 'cpu-user',
    metric: 'vitals_cpu_ratio',
    labels: { mode: 'user' },
    op: '>',
    threshold: 0.9,
  });
  rules.push({
    id: 'cpu-any',
    metric: 'vitals_cpu_ratio',
    op: '>',
    threshold: 0.95,
    cooldown: '1m',
  });
  rules.push({ id: 'core', metric: 'vitals_cpu_core_ratio', op: '>', threshold: 0.9, for: '30s' });
  rules.push({
    id: 'old',
    metric: 'nodejs_heap_space_size_used_bytes',
    labels: { space: 'old' },
    op: '>',
    threshold: 0.9,
  });
  rules.push({
    id: 'disk',
    metric: 'vitals_filesystem_used_ratio',
    op: '>',
    threshold: 0.85,
    clear: 0.8,
  });
  rules.push({
    id: 'disk-root',
    metric: 'vitals_filesystem_used_ratio',
    labels: { mountpoint: '/' },
    op: '>',
    threshold: 0.95,
    severity: 'critical',
  });
  rules.push({
    id: 'avail',
    metric: 'node_filesystem_avail_bytes',
    op: '<',
    threshold: 5e9,
    clear: 1e10,
  });
  rules.push({ id: 'swap', metric: 'node_memory_SwapFree_bytes', op: '<', threshold: 0.1 });
  rules.push({
    id: 'heap-rel',
    metric: 'nodejs_heap_size_used_bytes',
    op: '>',
    threshold: 0.95,
    relativeTo: { metric: 'nodejs_heap_size_total_bytes' },
  });
  rules.push({
    id: 'avail-mem',
    metric: 'node_memory_MemAvailable_bytes',
    op: '<',
    threshold: 0.1,
    for: '5s',
  });
  return rules;
}

function otherRules(): AlertRuleInput[] {
  return Array.from({ length: 200 }, (_, k) => ({
    id: `other${k}`,
    metric: `app_other_metric_${k}`,
    op: '>' as const,
    threshold: 1,
  }));
}

type Config = 'stream' | 'rules20' | 'rules220';

/** One run: a fresh stream and consumers, a warm-up, then `BATCHES` timed publishes. */
function run(config: Config, pool: Sample[][]): { perSecond: number; transitions: number } {
  const stream = new MetricStream();
  let samplesSeen = 0;
  let maxSeen = 0;
  let lagSum = 0;
  const maxBySource = new Map<string, number>();
  const subs = [
    stream.batches$.subscribe((b) => (samplesSeen += b.samples.length)),
    stream.batches$.subscribe((b) => {
      for (const s of b.samples) if (s.value > maxSeen) maxSeen = s.value;
      maxBySource.set(b.source, maxSeen);
    }),
    stream.batches$
      .pipe(filter((b) => b.source === 'runtime'))
      .subscribe((b) => (lagSum += b.samples[6].value)),
  ];
  let engine: AlertEngine | undefined;
  let transitions = 0;
  if (config !== 'stream') {
    const history = new History({ capacity: 900, maxSeries: 2000 });
    engine = new AlertEngine(stream);
    for (const rule of matchingRules()) engine.addRule(rule);
    if (config === 'rules220') for (const rule of otherRules()) engine.addRule(rule);
    subs.push(history.attach(stream.batches$), engine.attach(stream.batches$));
    subs.push(engine.alerts$.subscribe(() => transitions++));
  }
  let at = Date.UTC(2025, 0, 1);
  const publish = (n: number) => {
    for (let i = 0; i < n; i++) {
      const batch: MetricBatch = { source: 'runtime', at: (at += 1000), samples: pool[i % POOL] };
      stream.publish(batch);
    }
  };
  publish(Math.min(20_000, BATCHES));
  transitions = 0;
  const start = process.hrtime.bigint();
  publish(BATCHES);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const sub of subs) sub.unsubscribe();
  stream.close();
  if (samplesSeen === 0 || lagSum < 0) throw new Error('subscribers saw nothing');
  return { perSecond: BATCHES / seconds, transitions };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const pool = makePool();
  const configs: Config[] = ['stream', 'rules20', 'rules220'];
  const results = new Map<Config, number[]>(configs.map((c) => [c, []]));
  let transitions = 0;
  console.log(
    `stream.bench: ${BATCHES} batches × ${RUNS} runs, 30 samples per batch, node ${process.version}`,
  );
  for (let r = 0; r < RUNS; r++) {
    for (const config of configs) {
      const result = run(config, pool);
      results.get(config)?.push(result.perSecond);
      if (config === 'rules20') transitions = result.transitions;
    }
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const medians = new Map(configs.map((c) => [c, median(results.get(c) ?? [])]));
  for (const config of configs) {
    const m = medians.get(config) ?? 0;
    const runs = (results.get(config) ?? []).map(fmt).join(', ');
    console.log(
      `${config.padEnd(9)} median ${fmt(m).padStart(9)} batches/s  ${(1e9 / m).toFixed(0).padStart(6)} ns/batch  [${runs}]`,
    );
  }
  const base = medians.get('stream') ?? 0;
  const a = medians.get('rules20') ?? 0;
  const b = medians.get('rules220') ?? 0;
  console.log(`alert transitions per run (rules20): ${transitions}`);
  console.log(
    `ratio rules220 / rules20 throughput: ${(b / a).toFixed(3)} (≈ 1: rules for other metrics cost nothing per batch)`,
  );
  console.log(
    `ratio rules20 / stream throughput:   ${(a / base).toFixed(3)} (History + AlertEngine share of the hot path)`,
  );
  console.log(`budget ≥ ${fmt(BUDGET)} batches/s (rules20): ${a >= BUDGET ? 'met' : 'MISSED'}`);
}

main();
