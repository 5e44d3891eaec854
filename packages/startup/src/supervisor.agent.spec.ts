import { METRICS, MetricStream, readProcStat, processStartTimeMs } from '@vitals/core';
import type { MetricBatch } from '@vitals/core';
import { AGENT_GC_SOURCE, AGENT_MEASURED_GC_SOURCE } from './agent.channel';
import { readRssBytes } from './process.tree';
import { Supervisor } from './supervisor';
import { EventLog, OutputLog, fixture, killAll } from './supervisor.test-util';

const env = { PATH: process.env.PATH };

describe('Supervisor and its agent', () => {
  let supervisor: Supervisor | undefined;

  afterEach(async () => {
    await killAll(supervisor);
    supervisor = undefined;
  });

  /** The first batch from `source` carrying `name`, now or when it comes. */
  function nextBatch(
    stream: MetricStream,
    match: (b: MetricBatch) => boolean,
  ): Promise<MetricBatch> {
    return new Promise((resolve) => {
      const sub = stream.batches$.subscribe((b) => {
        if (!match(b)) return;
        sub.unsubscribe();
        resolve(b);
      });
    });
  }

  it('publishes the agent heap metrics of a Node child on the stream, labelled with its service', async () => {
    const stream = new MetricStream();
    const batches: MetricBatch[] = [];
    stream.batches$.subscribe((b) => batches.push(b));
    supervisor = new Supervisor(
      {
        command: fixture('idle'),
        env,
        name: 'idle',
        agentIntervalMs: 100,
        stdout: new OutputLog(),
      },
      { stream },
    );
    const log = new EventLog(supervisor);
    await supervisor.start();
    const hello = await log.next('agent');
    expect(hello.node).toBe(process.version);
    const heap = await new Promise<number>((resolve) => {
      const sub = stream.series$(METRICS.heapUsedBytes, { service: 'idle' }).subscribe((p) => {
        sub.unsubscribe();
        expect(p.labels).toEqual({ service: 'idle' });
        resolve(p.value);
      });
    });
    expect(heap).toBeGreaterThan(1024 * 1024);
    const names = new Set(batches.flatMap((b) => b.samples.map((s) => s.name)));
    expect([...names]).toEqual(
      expect.arrayContaining([
        METRICS.heapTotalBytes,
        METRICS.heapLimitBytes,
        METRICS.eventLoopUtilization,
      ]),
    );
  });

  it('publishes the heap and external memory after each major GC of the child, at the GC time', async () => {
    const stream = new MetricStream();
    supervisor = new Supervisor(
      {
        command: 'node',
        args: ['--expose-gc', fixture('gc-churn')],
        env,
        name: 'churn',
        stdout: new OutputLog(),
      },
      { stream },
    );
    const before = Date.now();
    await supervisor.start();
    const batches: MetricBatch[] = [];
    for (let i = 0; i < 3; i++)
      batches.push(await nextBatch(stream, (b) => b.source === AGENT_GC_SOURCE));
    const after = Date.now();
    for (const batch of batches) {
      expect(batch.at).toBeGreaterThanOrEqual(before);
      expect(batch.at).toBeLessThanOrEqual(after);
      const byName = new Map(batch.samples.map((s) => [s.name, s]));
      expect(byName.get(METRICS.heapAfterGcBytes)?.labels).toEqual({ service: 'churn' });
      expect(byName.get(METRICS.heapAfterGcBytes)?.value).toBeGreaterThan(1024 * 1024);
      expect(byName.get(METRICS.externalAfterGcBytes)?.value).toBeGreaterThan(0);
      expect(byName.get(METRICS.heapLimitBytes)?.value).toBeGreaterThan(64 * 1024 * 1024);
    }
    // One batch per GC, each at its own time.
    expect(new Set(batches.map((b) => b.at)).size).toBe(3);
  });

  it('names the values of a report whose shape changed: a GC kind first seen after the first reports', async () => {
    const stream = new MetricStream();
    supervisor = new Supervisor(
      {
        command: 'node',
        args: ['--expose-gc', fixture('gc-churn')],
        env,
        name: 'kinds',
        agentIntervalMs: 100,
        stdout: new OutputLog(),
      },
      { stream },
    );
    const shapes: string[] = [];
    stream.batches$.subscribe((b) => {
      const kinds = b.samples
        .filter((s) => s.name === `${METRICS.gcDuration}_count`)
        .map((s) => s.labels?.kind)
        .sort()
        .join();
      if (b.samples.some((s) => s.name === METRICS.eventLoopUtilization) && shapes.at(-1) !== kinds)
        shapes.push(kinds);
    });
    await supervisor.start();
    const major = await nextBatch(stream, (b) =>
      b.samples.some(
        (s) =>
          s.name === `${METRICS.gcDuration}_count` && s.labels?.kind === 'major' && s.value > 0,
      ),
    );
    // The first report (at 100 ms) comes before the fixture's first full GC (at 200 ms): the
    // reports name the new kind when it appears.
    expect(shapes[0]).not.toContain('major');
    expect(shapes.at(-1)).toContain('major');
    const count = major.samples.find(
      (s) => s.name === `${METRICS.gcDuration}_count` && s.labels?.kind === 'major',
    );
    expect(count?.labels).toEqual({ kind: 'major', service: 'kinds' });
  });

  it("publishes the child's own RSS, CPU time and start time, read from /proc, not the supervisor's", async () => {
    const stream = new MetricStream();
    supervisor = new Supervisor(
      {
        command: fixture('idle'),
        env,
        name: 'own',
        memoryCheckIntervalMs: 100,
        stdout: new OutputLog(),
      },
      { stream },
    );
    await supervisor.start();
    const pid = supervisor.pid as number;
    const batch = await nextBatch(stream, (b) =>
      b.samples.some((s) => s.name === METRICS.processCpuSeconds),
    );
    const byName = new Map(batch.samples.map((s) => [s.name, s]));
    const start = byName.get(METRICS.processStartTimeSeconds)?.value as number;
    const stat = readProcStat(pid);
    expect(stat).toBeDefined();
    expect(start).toBeCloseTo(processStartTimeMs(stat!) / 1000, 1);
    expect(start).not.toBeCloseTo(processStartTimeMs(readProcStat(process.pid)!) / 1000, 0);
    const rss = byName.get(METRICS.processRssBytes);
    expect(rss?.labels).toEqual({ service: 'own' });
    const childRss = readRssBytes(pid) as number;
    expect(Math.abs((rss?.value as number) - childRss)).toBeLessThan(childRss * 0.5);
    expect(byName.get(METRICS.processCpuSeconds)?.value).toBeGreaterThan(0);
    expect(byName.get(METRICS.processCpuSeconds)?.value).toBeLessThan(
      process.cpuUsage().user / 1e6,
    );
  });

  it('forces one measurement GC when no major GC ran for a while and the heap grew, and says so', async () => {
    const stream = new MetricStream();
    supervisor = new Supervisor(
      {
        command: fixture('grow-no-gc'),
        env,
        name: 'grow',
        agentIntervalMs: 200,
        measureGcAfterMs: 1000,
        stdout: new OutputLog(),
      },
      { stream },
    );
    await supervisor.start();
    const measured = await nextBatch(stream, (b) => b.source === AGENT_MEASURED_GC_SOURCE);
    const heap = measured.samples.find((s) => s.name === METRICS.heapAfterGcBytes);
    expect(heap?.labels).toEqual({ service: 'grow' });
    expect(heap?.value).toBeGreaterThan(1024 * 1024);
    const counted = await nextBatch(stream, (b) =>
      b.samples.some((s) => s.name === 'vitals_measurement_gc_total' && s.value >= 1),
    );
    const pause = counted.samples.find((s) => s.name === 'vitals_measurement_gc_seconds_total');
    expect(pause?.value).toBeGreaterThan(0);
    expect(pause?.labels).toEqual({ service: 'grow' });
  });

  it('keeps measurement GCs within the pause budget: a tiny budget allows one, the default ratio several', async () => {
    const stream = new MetricStream();
    const measured = new Map<string, number>();
    stream.batches$.subscribe((b) => {
      if (b.source !== AGENT_MEASURED_GC_SOURCE) return;
      const service = b.samples[0]?.labels?.service ?? '';
      measured.set(service, (measured.get(service) ?? 0) + 1);
    });
    const start = (name: string, ratio: number) =>
      new Supervisor(
        {
          command: fixture('grow-no-gc'),
          env,
          name,
          agentIntervalMs: 200,
          measureGcAfterMs: 1000,
          // 0.00001: a pause of even 1 ms makes the next wait ≥ 100 s.
          measureGcPauseRatio: ratio,
          stdout: new OutputLog(),
        },
        { stream },
      );
    const tight = start('tight', 0.00001);
    supervisor = start('loose', 0.01);
    try {
      await Promise.all([tight.start(), supervisor.start()]);
      const end = Date.now() + 60_000;
      while ((measured.get('loose') ?? 0) < 3 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 200));
      expect(measured.get('loose')).toBeGreaterThanOrEqual(3);
      expect(measured.get('tight')).toBe(1);
    } finally {
      await killAll(tight);
    }
  }, 90_000);

  it('leaves a child that uses process.send working, and the agent does not keep it alive', async () => {
    const out = new OutputLog();
    supervisor = new Supervisor({ command: fixture('own-ipc'), env, stdout: out });
    const log = new EventLog(supervisor);
    expect(await supervisor.run()).toBe(0);
    expect(out.text).toBe('send ok; agent-env clean\n');
    expect(log.of('agent')).toHaveLength(1);
  });

  it('lets a Node child end by itself while the agent is loaded', async () => {
    const out = new OutputLog();
    supervisor = new Supervisor({
      command: fixture('quick-exit'),
      env,
      stdout: out,
      agentIntervalMs: 100,
    });
    expect(await supervisor.run()).toBe(0);
    expect(out.text).toBe('done\n');
  });

  it('runs a child that is not Node without the agent, NODE_OPTIONS or IPC', async () => {
    const out = new OutputLog();
    supervisor = new Supervisor({
      command: 'sh',
      args: ['-c', 'echo "[$NODE_OPTIONS|$VITALS_AGENT_TOKEN|$NODE_CHANNEL_FD]"'],
      env: { ...env, NODE_OPTIONS: '--no-warnings' },
      nodeOptions: ['--max-old-space-size=100'],
      stdout: out,
    });
    const log = new EventLog(supervisor);
    expect(await supervisor.run()).toBe(0);
    expect(out.text).toBe('[--no-warnings||]\n');
    expect(log.of('spawn')[0].agent).toBe(false);
  });
});
