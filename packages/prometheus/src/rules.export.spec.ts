import type { AlertRule } from '@vitals/core';
import { promDuration, toPrometheusRule, toPrometheusRules } from './rules.export';

const rule = (over: Partial<AlertRule>): AlertRule => ({
  id: 'r',
  metric: 'm',
  op: '>',
  threshold: 1,
  for: 0,
  cooldown: 0,
  severity: 'warning',
  ...over,
});

describe('toPrometheusRule', () => {
  it('writes a plain comparison with for, severity and summary', () => {
    expect(
      toPrometheusRule(
        rule({ id: 'mem', metric: 'x', labels: { a: 'b"c' }, for: 90_000, summary: 'Mem' }),
      ),
    ).toEqual({
      alert: 'mem',
      expr: 'x{a="b\\"c"} > 1',
      for: '1m30s',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Mem',
        description: 'x = {{ $value }} on {{ $labels.instance }} (> 1)',
      },
    });
  });

  it('multiplies a relative threshold by the same host’s series and keeps hysteresis and cooldown', () => {
    const r = toPrometheusRule(
      rule({
        id: 'fds',
        metric: 'process_open_fds',
        op: '>',
        threshold: 0.8,
        clear: 0.76,
        cooldown: 600_000,
        relativeTo: { metric: 'process_max_fds' },
      }),
    );
    expect(r.expr).toBe(
      'process_open_fds > on (instance, job) group_left () (0.8 * max by (instance, job) (process_max_fds))\n' +
        'or\n' +
        '(process_open_fds > on (instance, job) group_left () (0.76 * max by (instance, job) (process_max_fds)) and ignoring (alertname, alertstate, severity) ALERTS{alertname="fds",alertstate="firing"})',
    );
    expect(r.annotations.vitals_cooldown).toBe('10m');
    expect(r.for).toBeUndefined();
  });

  it('writes durations as Prometheus reads them', () => {
    expect(promDuration(500)).toBe('500ms');
    expect(promDuration(86_400_000 + 1000)).toBe('1d1s');
    expect(promDuration(0)).toBe('0s');
  });
});

describe('toPrometheusRules', () => {
  it('exports a rule on the host\'s own series (service="") for every service, without the per-service copies', () => {
    const leak = (id: string, service: string): AlertRule =>
      rule({
        id,
        metric: 'vitals_memory_leak_rate_bytes_per_second',
        labels: { kind: 'heap', service },
        op: '>',
        threshold: 0,
      });
    const file = toPrometheusRules([
      leak('memory.leak.heap', ''),
      leak('memory.leak.heap@api', 'api'),
      rule({ id: 'queue', metric: 'app_queue', labels: { service: 'api' }, op: '>', threshold: 1 }),
    ]);
    const rules = file.groups[0].rules;
    expect(rules.map((r) => r.alert)).toEqual(['memory.leak.heap', 'queue']);
    expect(rules[0].expr).toBe('vitals_memory_leak_rate_bytes_per_second{kind="heap"} > 0');
    expect(rules[1].expr).toBe('app_queue{service="api"} > 1');
  });
});
