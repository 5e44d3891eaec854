import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import type { DependencyContainer } from 'tsyringe';
import { METRICS, SERVICE_REGISTRY, VitalsError, createHost, readProcStatus } from '@vitals/core';
import type {
  HostHandle,
  Plugin,
  Sample,
  ServiceRegistry,
  ServiceState,
  SupervisedService,
} from '@vitals/core';
import { dashboardPlugin } from './dashboard.plugin';

/** Debian's Chromium, headless, through playwright-core (no browser download). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A small real supervisor for tests: runs `node -e <idle loop>` as service `name`, restarts it
 * when it dies, lists it through SERVICE_REGISTRY and publishes the supervisor's series with the
 * child's RSS read from /proc/<pid>/status. Stand-in until `vitals run` provides the registry.
 */
export class TestSupervisor implements ServiceRegistry {
  private child: ChildProcess | undefined;
  private state: ServiceState = 'starting';
  private restarts = 0;
  private startedAt: number | undefined;
  private stopped = false;

  constructor(readonly name: string) {}

  start(): void {
    this.stopped = false;
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    this.child = child;
    this.startedAt = Date.now();
    this.state = 'up';
    child.once('exit', () => {
      if (this.stopped) return;
      this.state = 'restarting';
      this.restarts++;
      setTimeout(() => this.stopped || this.start(), 300);
    });
  }

  stop(): void {
    this.stopped = true;
    this.state = 'stopped';
    this.child?.kill('SIGKILL');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  list(): readonly SupervisedService[] {
    return [
      {
        name: this.name,
        pid: this.child?.pid,
        state: this.state,
        restarts: this.restarts,
        startedAt: this.startedAt,
      },
    ];
  }

  heapSnapshot(): Promise<string> {
    return Promise.reject(
      new VitalsError('ERR_SERVICE_UNAVAILABLE', 'the test supervisor takes no snapshots'),
    );
  }

  /** The supervisor's series for the child now. */
  samples(): Sample[] {
    const service = this.name;
    const pid = this.child?.pid;
    const rssKb = pid ? Number.parseInt(readProcStatus(pid)?.VmRSS ?? '', 10) : NaN;
    return [
      { name: METRICS.serviceUp, value: this.state === 'up' ? 1 : 0, labels: { service } },
      { name: METRICS.serviceRestarts, value: this.restarts, labels: { service } },
      ...(Number.isFinite(rssKb) && pid
        ? [
            {
              name: METRICS.processRssBytes,
              value: rssKb * 1024,
              labels: { service, pid: String(pid) },
            },
          ]
        : []),
    ];
  }
}

/** Registers `registry` under SERVICE_REGISTRY. */
export function registryPlugin(registry: ServiceRegistry): Plugin {
  return {
    name: 'test-supervisor',
    register(container: DependencyContainer) {
      container.register(SERVICE_REGISTRY, { useValue: registry });
    },
  };
}

/**
 * Publishes this process's real figures (RSS, heap, CPU) and the supervisor's series every
 * `everyMs`, as the monitor would. Returns a function that stops it.
 */
export function feed(
  host: HostHandle,
  supervisor: TestSupervisor | undefined,
  everyMs: number,
): () => void {
  let cpu = process.cpuUsage();
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const used = process.cpuUsage(cpu);
    const ratio = (used.user + used.system) / 1000 / Math.max(1, now - last);
    cpu = process.cpuUsage();
    last = now;
    const mem = process.memoryUsage();
    host.stream.publish({
      source: 'test-feed',
      at: now,
      samples: [
        { name: METRICS.processCpuRatio, value: ratio },
        { name: METRICS.processRssBytes, value: mem.rss },
        { name: METRICS.heapUsedBytes, value: mem.heapUsed },
        { name: METRICS.heapTotalBytes, value: mem.heapTotal },
        { name: METRICS.externalBytes, value: mem.external },
        ...(supervisor?.samples() ?? []),
      ],
    });
  }, everyMs);
  return () => clearInterval(timer);
}

/** A host with the dashboard (ticks every 500 ms), the test supervisor, and `http` config. */
export function dashboardHost(
  http: Record<string, unknown>,
  supervisor?: TestSupervisor,
): HostHandle {
  return createHost({
    plugins: [
      dashboardPlugin({ intervalMs: 500 }),
      ...(supervisor ? [registryPlugin(supervisor)] : []),
    ],
    config: { http },
  });
}
