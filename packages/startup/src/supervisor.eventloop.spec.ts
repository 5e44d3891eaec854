import { readFileSync } from 'node:fs';
import { METRICS, MetricStream } from '@vitals/core';
import { Supervisor } from './supervisor';
import { OutputLog, fixture, killAll } from './supervisor.test-util';

const env = { PATH: process.env.PATH };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Context switches of the main thread of `pid` so far (voluntary: each is one wake-up). */
function switches(pid: number): number {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1]);
}

/** Main-thread wake-ups of `pid` per second over the next `ms`. */
async function wakesPerSecond(pid: number, ms: number): Promise<number> {
  const before = switches(pid);
  await sleep(ms);
  return ((switches(pid) - before) * 1000) / ms;
}

/** One agent report as the supervisor published it. */
interface Report {
  readonly receivedAt: number;
  readonly gauge: (name: string) => number | undefined;
  /** `vitals_eventloop_delay_seconds` samples over 250 ms, since the child started. */
  readonly over250ms: number;
}

describe('Supervisor: the agent samples the event loop only while it works', () => {
  let supervisor: Supervisor | undefined;

  afterEach(async () => {
    await killAll(supervisor);
    supervisor = undefined;
  });

  /** Runs `name` (args) under a supervisor with 100 ms reports; its reports land in the array. */
  async function run(name: string, args: string[] = []) {
    const stream = new MetricStream();
    const reports: Report[] = [];
    stream.batches$.subscribe((b) => {
      // The agent's reports (the child's /proc figures come under the same source).
      if (!b.samples.some((s) => s.name === METRICS.eventLoopUtilization)) return;
      const byName = new Map<string, number>();
      let le025 = 0;
      for (const s of b.samples) {
        if (s.labels?.le === '0.25') le025 = s.value;
        else if (!s.labels?.le) byName.set(s.name, s.value);
      }
      const count = byName.get(`${METRICS.eventLoopDelay}_count`) ?? 0;
      reports.push({
        receivedAt: Date.now(),
        gauge: (n) => byName.get(n),
        over250ms: count - le025,
      });
    });
    const output = new OutputLog();
    supervisor = new Supervisor(
      { command: fixture(name), args, env, name, agentIntervalMs: 100, stdout: output },
      { stream },
    );
    await supervisor.start();
    await output.waitFor('ready');
    return { pid: supervisor.pid as number, reports, output };
  }

  it('stops sampling a quiet child after 10 quiet reports: it wakes for the reports only', async () => {
    const { pid, reports } = await run('quiet');
    // Sampler on for the first 10 reports (1 s): 20 samples + 10 reports a second.
    const sampling = await wakesPerSecond(pid, 700);
    await sleep(800);
    const from = Date.now();
    const quiet = await wakesPerSecond(pid, 1500);
    expect(sampling).toBeGreaterThanOrEqual(20);
    expect(quiet).toBeLessThanOrEqual(15);
    // Windows while it is off stand for on-time samples: 2 per 100 ms report, all of lag 0.
    const off = reports.filter((r) => r.receivedAt >= from);
    expect(off.length).toBeGreaterThanOrEqual(10);
    for (const r of off) {
      expect(r.gauge(METRICS.eventLoopLagMax)).toBe(0);
      expect(r.gauge(METRICS.eventLoopLagP99)).toBe(0);
    }
    const counts = off.map((r) => r.gauge(`${METRICS.eventLoopDelay}_count`) as number);
    expect(counts[counts.length - 1] - counts[0]).toBe(2 * (counts.length - 1));
  }, 15_000);

  it('reports a 300 ms stall that comes while the sampler is off, and samples again', async () => {
    const { reports, output } = await run('quiet', ['2500', '300']);
    await output.waitFor('stall');
    const before = reports.length;
    // Off before the stall: the last reports stood for on-time samples only.
    expect(reports.slice(-3).map((r) => r.gauge(METRICS.eventLoopLagMax))).toEqual([0, 0, 0]);
    expect(reports[reports.length - 1].over250ms).toBe(0);
    await output.waitFor('stalled');
    await sleep(600);
    const after = reports.slice(before);
    const stall = after.find((r) => (r.gauge(METRICS.eventLoopLagMax) as number) >= 0.25);
    expect(stall).toBeDefined();
    expect(stall?.over250ms).toBe(1);
    // The sampler is on again: the next windows hold real samples (a late timer is never exactly
    // on time, so a real window's mean is above 0; a made-up quiet window's is 0).
    const next = after.slice(after.indexOf(stall as Report) + 1);
    expect(next.length).toBeGreaterThanOrEqual(3);
    expect(next.some((r) => (r.gauge(METRICS.eventLoopLagMean) as number) > 0)).toBe(true);
  }, 15_000);

  it('keeps sampling a busy child', async () => {
    const { pid, reports } = await run('busy');
    await sleep(1500);
    const from = Date.now();
    const wakes = await wakesPerSecond(pid, 1000);
    const late = reports.filter((r) => r.receivedAt >= from);
    expect(late.length).toBeGreaterThanOrEqual(7);
    // Its loop is busy 25 ms in 30 (about 80 ms of each 100 ms window): real samples come up to
    // 25 ms late, most of them late at all; a made-up window would read ~80 ms (its active time).
    const real = late.filter((r) => {
      const max = r.gauge(METRICS.eventLoopLagMax) as number;
      return max > 0 && max < 0.05;
    });
    expect(real.length).toBeGreaterThanOrEqual(late.length - 1);
    expect(wakes).toBeGreaterThanOrEqual(20);
  }, 15_000);
});
