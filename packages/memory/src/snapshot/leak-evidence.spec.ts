import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  METRICS,
  SERVICE_REGISTRY,
  createHost,
  createMemoryLogger,
  systemClock,
} from '@vitals/core';
import type { HostHandle, MemoryLogger, Sample, ServiceRegistry } from '@vitals/core';
import { memoryPlugin } from '../memory.plugin';
import { HeapSnapshotWriter } from './heap-snapshot.writer';
import { LeakEvidence } from './leak-evidence';
import type { LeakEvent } from '../leak/leak.monitor';

const MB = 1024 * 1024;

/** A registry over one real child that writes snapshots on request (the agent's part). */
function childRegistry(child: ChildProcess): ServiceRegistry {
  let n = 0;
  return {
    list: () => [{ name: 'bot', pid: child.pid, state: 'up', restarts: 0, startedAt: Date.now() }],
    heapSnapshot: (_service, { dir }) =>
      new Promise((resolve) => {
        child.once('message', (m: { file: string }) => resolve(m.file));
        child.send({ dir, n: n++ });
      }),
  };
}

describe('snapshot-on-leak evidence', () => {
  let host: HostHandle | undefined;
  let child: ChildProcess | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-evidence-'));
  });
  afterEach(async () => {
    await host?.stop('test over');
    host = undefined;
    child?.kill('SIGKILL');
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function leakFor(
    maxHeap: string,
  ): Promise<{ logger: MemoryLogger; summary: () => string | undefined }> {
    child = fork(join(__dirname, '../__fixtures__/snapshot-child.fixture.js'), [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const logger = createMemoryLogger();
    host = createHost({
      logger,
      plugins: [
        memoryPlugin({
          snapshotOnLeak: true,
          snapshotGapMs: '1s',
          snapshotMaxHeapBytes: maxHeap,
          snapshot: { dir, minFreeBytes: 0 },
        }),
      ],
    });
    host.container.register(SERVICE_REGISTRY, { useValue: childRegistry(child) });
    await host.start();
    const t0 = Date.now() - 300_000;
    for (let t = 0; t <= 200_000; t += 4000) {
      const labels = { service: 'bot' };
      const samples: Sample[] = [
        { name: METRICS.heapUsedBytes, value: 30 * MB, labels },
        { name: METRICS.heapAfterGcBytes, value: 20 * MB + (t / 60_000) * 10 * MB, labels },
        { name: METRICS.externalAfterGcBytes, value: 2 * MB, labels },
      ];
      host.stream.publish({ source: 'startup.agent.gc', at: t0 + t, samples });
    }
    const h = host;
    return {
      logger,
      summary: () => h.alerts.rules().find((r) => r.id === 'memory.leak.heap@bot')?.summary,
    };
  }

  it('takes two snapshots of the service, names the constructors that grew in the alert and the log, and keeps the files in its capped folder', async () => {
    const { logger, summary } = await leakFor('1G');
    for (let i = 0; i < 240 && !/grew in/.test(summary() ?? ''); i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(summary()).toMatch(/leak suspected in service "bot".*; grew in 1s: .*LeakyThing \+/);
    expect(logger.entries.some((e) => /leak evidence for service "bot": grew/.test(e.msg))).toBe(
      true,
    );
    const files = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.startsWith('vitals-'))).toBe(true);
  }, 60_000);

  it('refuses above snapshotMaxHeapBytes and says so in the alert and the log', async () => {
    const { logger, summary } = await leakFor('1M');
    for (let i = 0; i < 40 && !/no heap snapshot/.test(summary() ?? ''); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(summary()).toMatch(
      /no heap snapshot: heap used 30\.0 MiB is above snapshotMaxHeapBytes 1\.0 MiB/,
    );
    expect(logger.entries.some((e) => /no heap snapshot/.test(e.msg))).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('snapshots this process through the writer: the pair passes the rate limit once, and the diff names what grew', async () => {
    const logger = createMemoryLogger();
    const writer = new HeapSnapshotWriter({ dir, minFreeBytes: 0, minIntervalMs: 600_000 });
    const messages: string[] = [];
    class OwnLeakyThing {
      constructor(readonly id: number) {}
    }
    const kept: OwnLeakyThing[] = [];
    const evidence = new LeakEvidence({
      container: createHost().container,
      registryToken: SERVICE_REGISTRY,
      writer,
      gapMs: 500,
      maxHeapBytes: 4 * 1024 * MB,
      clock: systemClock,
      logger,
      heapUsed: () => 50 * MB,
      onDiff: (_service, _kind, message) => messages.push(message),
    });
    const event = { kind: 'heap', state: 'detected', at: Date.now(), message: 'leak suspected' };
    evidence.onDetected(event as unknown as LeakEvent);
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 20_000; i++) kept.push(new OwnLeakyThing(i));
    for (let i = 0; i < 240 && messages.length === 0; i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(messages[0]).toMatch(/^leak suspected; grew in 500ms: .*OwnLeakyThing \+/);
    expect(readdirSync(dir).filter((f) => f.startsWith('vitals-'))).toHaveLength(2);
    expect(kept).toHaveLength(20_000);
  }, 60_000);
});
