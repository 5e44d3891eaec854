/**
 * `@memoryProfile` overhead: `npm run bench:profile [-- <calls per run> <runs>]`.
 *
 * Calls the same small method undecorated (the peer), decorated with `@memoryProfile()`, and
 * wrapped async with `profileMemory()` (against the plain async function), interleaved run by
 * run so machine noise hits them alike, and prints the median ns per call and the overhead.
 * Budget: ≤ 2 µs overhead per call.
 */
import { MemoryProfiler, memoryProfile, profileMemory } from '@vitals/memory';

const CALLS = Number(process.argv[2] ?? 200_000);
const RUNS = Math.max(5, Number(process.argv[3] ?? 9));
const BUDGET_NS = 2000;
const profiler = new MemoryProfiler();

class Plain {
  total = 0;
  add(n: number): number {
    this.total += n & 7;
    return this.total;
  }
}
class Profiled {
  total = 0;
  @memoryProfile({ profiler })
  add(n: number): number {
    this.total += n & 7;
    return this.total;
  }
}
const plainAsync = async (n: number): Promise<number> => n & 7;
const profiledAsync = profileMemory(plainAsync, { profiler, name: 'async' });

function timeSync(obj: { add(n: number): number }): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) obj.add(i);
  return Number(process.hrtime.bigint() - t0) / CALLS;
}
async function timeAsync(fn: (n: number) => Promise<number>): Promise<number> {
  const n = CALLS / 10;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const r = {
    plain: [] as number[],
    profiled: [] as number[],
    plainAsync: [] as number[],
    profiledAsync: [] as number[],
  };
  const plain = new Plain();
  const profiled = new Profiled();
  timeSync(plain);
  timeSync(profiled); // warm-up
  for (let run = 0; run < RUNS; run++) {
    r.plain.push(timeSync(plain));
    r.profiled.push(timeSync(profiled));
    r.plainAsync.push(await timeAsync(plainAsync));
    r.profiledAsync.push(await timeAsync(profiledAsync));
  }
  const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof r,
    number
  >;
  console.log(`bench:profile — ${CALLS} calls × ${RUNS} runs, median ns per call`);
  console.log(
    `  sync   undecorated ${m.plain.toFixed(1)} ns   @memoryProfile ${m.profiled.toFixed(1)} ns   overhead ${(m.profiled - m.plain).toFixed(0)} ns (×${(m.profiled / m.plain).toFixed(1)})`,
  );
  console.log(
    `  async  plain       ${m.plainAsync.toFixed(1)} ns   profileMemory  ${m.profiledAsync.toFixed(1)} ns   overhead ${(m.profiledAsync - m.plainAsync).toFixed(0)} ns`,
  );
  const worst = Math.max(m.profiled - m.plain, m.profiledAsync - m.plainAsync);
  console.log(
    `budget ≤ ${BUDGET_NS} ns overhead per call: ${worst <= BUDGET_NS ? 'met' : 'NOT met'} (worst ${worst.toFixed(0)} ns)`,
  );
  const p = profiler.profiles().find((x) => x.name === 'Profiled.add');
  console.log(`  (profile recorded ${p?.calls} calls, p50 ${p?.p50Ms.toFixed(5)} ms)`);
}

void main();
