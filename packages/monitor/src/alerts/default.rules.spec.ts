import { AlertEngine, DEFAULT_THRESHOLDS, METRICS, MetricStream } from '@vitals/core';
import type { AlertEvent } from '@vitals/core';
import { MONITOR_METRICS } from '../monitor.metrics';
import { monitorConfigSchema } from '../monitor.options';
import { defaultAlertRules } from './default.rules';

describe('defaultAlertRules', () => {
  const config = monitorConfigSchema.parse({});

  it('builds one rule per threshold with a clear threshold below the trigger', () => {
    const rules = defaultAlertRules(DEFAULT_THRESHOLDS, config);
    const byId = new Map(rules.map((r) => [r.id, r]));
    expect(byId.get('memory-used')).toMatchObject({
      metric: METRICS.memoryUsedRatio,
      op: '>',
      threshold: 0.8,
      clear: 0.76,
    });
    expect(byId.get('swap-used')).toMatchObject({ threshold: 500 * 1024 * 1024 });
    expect(byId.get('cpu-used')).toMatchObject({ threshold: 0.9 });
    expect(byId.get('disk-used')).toMatchObject({ threshold: 0.85 });
    expect(byId.get('open-fds')).toMatchObject({ threshold: 500 });
    expect(byId.get('threads')).toMatchObject({ threshold: 50 });
    expect(byId.get('operation-slow')).toMatchObject({ threshold: 5 });
    expect(byId.get('event-loop-delay')).toMatchObject({
      metric: METRICS.eventLoopLagP99,
      threshold: 0.2,
    });
    expect(byId.get('open-fds-limit')).toMatchObject({
      relativeTo: { metric: METRICS.processMaxFds },
      threshold: 0.8,
      severity: 'warning',
    });
    expect(byId.get('open-fds-limit-critical')).toMatchObject({
      relativeTo: { metric: METRICS.processMaxFds },
      threshold: 0.9,
      severity: 'critical',
    });
    expect(byId.get('cpu-container-limit')).toMatchObject({
      metric: METRICS.processCpuRatio,
      relativeTo: { metric: METRICS.cgroupCpuLimitCores },
      threshold: 0.9,
    });
    expect(byId.get('disk-exhaustion-critical')).toMatchObject({
      op: '<',
      threshold: 86_400,
      labels: { resource: 'disk' },
    });
  });

  it('does not flap at the line, and fires relative to the fd limit', () => {
    const stream = new MetricStream();
    const engine = new AlertEngine(stream);
    for (const r of defaultAlertRules(
      DEFAULT_THRESHOLDS,
      monitorConfigSchema.parse({ alerts: { rules: { 'memory-used': { for: 0 } } } }),
    )) {
      engine.addRule(r);
    }
    const events: AlertEvent[] = [];
    engine.alerts$.subscribe((e) => events.push(e));
    engine.attach(stream.batches$);
    const publish = (
      at: number,
      samples: { name: string; value: number; labels?: Record<string, string> }[],
    ) => stream.publish({ source: 't', at, samples });
    [0.81, 0.79, 0.81, 0.78, 0.75].forEach((v, i) =>
      publish(i * 1000, [{ name: METRICS.memoryUsedRatio, value: v }]),
    );
    expect(events.filter((e) => e.ruleId === 'memory-used').map((e) => [e.state, e.value])).toEqual(
      [
        ['firing', 0.81],
        ['resolved', 0.75],
      ],
    );
    publish(10_000, [
      { name: METRICS.processMaxFds, value: 1024 },
      { name: METRICS.processOpenFds, value: 950 },
      // 1.2 cores used: nothing on a machine without a quota …
      { name: METRICS.processCpuRatio, value: 1.2 },
    ]);
    expect(events.some((e) => e.ruleId === 'cpu-container-limit')).toBe(false);
    // … pending against a quota of 1.25 cores (1.2 > 0.9 × 1.25).
    publish(11_000, [
      { name: METRICS.cgroupCpuLimitCores, value: 1.25 },
      { name: METRICS.processCpuRatio, value: 1.2 },
    ]);
    expect(events.find((e) => e.ruleId === 'cpu-container-limit')).toMatchObject({
      state: 'pending',
      threshold: 0.9 * 1.25,
    });
    expect(events.find((e) => e.ruleId === 'open-fds-limit-critical')).toMatchObject({
      state: 'firing',
      threshold: 0.9 * 1024,
    });
    // A credible projection of 20 h warns (after 15 min); only a confirmed one pages (after 10 min).
    const disk = { resource: 'disk', mountpoint: '/data' };
    for (let at = 20_000; at <= 20_000 + 16 * 60_000; at += 60_000) {
      publish(at, [
        { name: MONITOR_METRICS.timeToExhaustion, value: 20 * 3600, labels: disk },
        { name: MONITOR_METRICS.timeToExhaustionConfirmed, value: Infinity, labels: disk },
      ]);
    }
    const exhaustion = () =>
      events.filter((e) => e.ruleId.startsWith('disk-exhaustion')).map((e) => [e.ruleId, e.state]);
    expect(exhaustion()).toEqual([
      ['disk-exhaustion-warning', 'pending'],
      ['disk-exhaustion-warning', 'firing'],
    ]);
    for (let at = 20_000 + 17 * 60_000; at <= 20_000 + 28 * 60_000; at += 60_000) {
      publish(at, [
        { name: MONITOR_METRICS.timeToExhaustion, value: 19 * 3600, labels: disk },
        { name: MONITOR_METRICS.timeToExhaustionConfirmed, value: 19 * 3600, labels: disk },
      ]);
    }
    expect(exhaustion().slice(2)).toEqual([
      ['disk-exhaustion-critical', 'pending'],
      ['disk-exhaustion-critical', 'firing'],
    ]);
  });

  it('event-loop delay alerts per series: the host and each supervised service, with its labels', () => {
    const stream = new MetricStream();
    const engine = new AlertEngine(stream);
    for (const r of defaultAlertRules(DEFAULT_THRESHOLDS, config)) engine.addRule(r);
    const events: AlertEvent[] = [];
    engine.alerts$.subscribe((e) => events.push(e));
    engine.attach(stream.batches$);
    const api = { service: 'api', pid: '4242' };
    const worker = { service: 'worker', pid: '4243' };
    for (let at = 0; at <= 12_000; at += 1_000) {
      stream.publish({
        source: 't',
        at,
        samples: [
          { name: METRICS.eventLoopLagP99, value: 0.35 }, // the host's own: slow too
          { name: METRICS.eventLoopLagP99, value: 0.5, labels: api }, // a blocked child
          { name: METRICS.eventLoopLagP99, value: 0.01, labels: worker }, // a healthy one
        ],
      });
    }
    const firing = events.filter((e) => e.ruleId === 'event-loop-delay' && e.state === 'firing');
    expect(firing.map((e) => e.labels)).toEqual([{}, api]);
    expect(firing[1].message).toBe(
      'Event-loop delay p99 above 200 ms: nodejs_eventloop_lag_p99_seconds{service="api",pid="4242"} = 0.5 > 0.2',
    );
    expect(firing[1].value).toBe(0.5);
    stream.close();
  });

  it('applies overrides, keeps the hysteresis for a new threshold, and drops removed rules', () => {
    const rules = defaultAlertRules(
      { ...DEFAULT_THRESHOLDS, threads: 80 },
      monitorConfigSchema.parse({
        alerts: {
          hysteresis: 0.1,
          rules: { 'cpu-used': { threshold: 0.5, for: '5m' }, threads: false },
          defaults: true,
        },
        exhaustion: { enabled: false },
      }),
    );
    expect(rules.find((r) => r.id === 'cpu-used')).toMatchObject({
      threshold: 0.5,
      clear: 0.45,
      for: 300_000,
    });
    expect(rules.find((r) => r.id === 'threads')).toBeUndefined();
    expect(rules.some((r) => r.id.includes('exhaustion'))).toBe(false);
    expect(() =>
      defaultAlertRules(
        DEFAULT_THRESHOLDS,
        monitorConfigSchema.parse({ alerts: { rules: { cpu: false } } }),
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_MONITOR_UNKNOWN_RULE' }));
  });

  /** The default rules for another pid, on an engine fed by a fresh stream. */
  function watchingAnotherPid() {
    const stream = new MetricStream();
    const engine = new AlertEngine(stream);
    const pid = process.pid + 1;
    for (const r of defaultAlertRules(DEFAULT_THRESHOLDS, { ...config, pid })) engine.addRule(r);
    const events: AlertEvent[] = [];
    engine.alerts$.subscribe((e) => events.push(e));
    engine.attach(stream.batches$);
    return { stream, engine, events, labels: { pid: String(pid) } };
  }

  it("watching another pid, compares its memory with its own container's limit, not ours", () => {
    const { stream, engine, events, labels } = watchingAnotherPid();
    const MiB = 1024 ** 2;
    for (let at = 0; at <= 40_000; at += 5_000) {
      stream.publish({
        source: 't',
        at,
        samples: [
          // Our own (unlabelled) limit is large; the watched process's container has 512 MiB.
          { name: METRICS.cgroupMemoryLimitBytes, value: 64 * 1024 * MiB },
          { name: METRICS.cgroupMemoryLimitBytes, value: 512 * MiB, labels },
          { name: METRICS.processRssBytes, value: 500 * MiB, labels },
        ],
      });
    }
    expect(
      events.find((e) => e.ruleId === 'rss-container-limit' && e.state === 'firing'),
    ).toMatchObject({
      labels,
      threshold: 0.9 * 512 * MiB,
    });
    engine.removeRule('rss-container-limit');
    stream.close();
  });

  it("watching another pid, grades its CPU against its own cgroup's quota and its throttling", () => {
    const { stream, events, labels } = watchingAnotherPid();
    for (let at = 0; at <= 6 * 60_000; at += 10_000) {
      stream.publish({
        source: 't',
        at,
        samples: [
          // Our own quota is 8 cores; the watched process's cgroup has 0.5 and throttles it.
          { name: METRICS.cgroupCpuLimitCores, value: 8 },
          { name: METRICS.cgroupCpuLimitCores, value: 0.5, labels },
          { name: METRICS.processCpuRatio, value: 0.49, labels },
          { name: 'vitals_cgroup_cpu_throttled_ratio', value: 0.6, labels },
        ],
      });
    }
    expect(
      events.find((e) => e.ruleId === 'cpu-container-limit' && e.state === 'firing'),
    ).toMatchObject({ labels, threshold: 0.9 * 0.5 });
    expect(events.find((e) => e.ruleId === 'cpu-throttled' && e.state === 'firing')).toMatchObject({
      labels,
      value: 0.6,
      threshold: 0.25,
    });
  });

  it("watching another pid, fires relative to that process's own fd limit", () => {
    const { stream, events, labels } = watchingAnotherPid();
    stream.publish({
      source: 't',
      at: 0,
      samples: [
        { name: METRICS.processMaxFds, value: 256, labels },
        { name: METRICS.processOpenFds, value: 240, labels },
      ],
    });
    expect(events.find((e) => e.ruleId === 'open-fds-limit-critical')).toMatchObject({
      state: 'firing',
      labels,
      threshold: 0.9 * 256,
    });
    expect(events.find((e) => e.ruleId === 'open-fds-limit')).toMatchObject({
      state: 'firing',
      labels,
      threshold: 0.8 * 256,
    });
  });
});
