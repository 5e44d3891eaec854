import { DescriptorRegistry, Histogram } from '@vitals/core';
import type { SeriesValue } from '@vitals/core';
import { renderExposition } from './exposition.renderer';
import { parseExposition } from './exposition.test-util';

const at = 1_700_000_000_000;
const sv = (
  name: string,
  value: number,
  labels: Record<string, string> = {},
  when = at,
): SeriesValue => ({
  name,
  value,
  labels,
  at: when,
  source: 'test',
});

describe('renderExposition', () => {
  let registry: DescriptorRegistry;

  beforeEach(() => {
    registry = new DescriptorRegistry();
    registry.declare('t', {
      name: 'node_filesystem_avail_bytes',
      type: 'gauge',
      unit: 'bytes',
      help: 'Free space\nper "fs" \\ mount',
      labelNames: ['mountpoint'],
    });
    registry.declare('t', {
      name: 'requests_total',
      type: 'counter',
      unit: 'count',
      help: 'Requests',
    });
    registry.declare('t', {
      name: 'op_seconds',
      type: 'histogram',
      unit: 'seconds',
      help: 'Op latency',
      labelNames: ['operation'],
    });
  });

  it('writes HELP and TYPE once per family and escapes label values', () => {
    const text = renderExposition(
      [
        sv('node_filesystem_avail_bytes', 10, { mountpoint: '/' }),
        sv('node_filesystem_avail_bytes', 20, { mountpoint: 'C:\\data "x"\nnew' }),
        sv('requests_total', 3),
        sv('undeclared.metric', Infinity),
      ],
      registry,
    );
    const parsed = parseExposition(text);
    expect(text.match(/# TYPE node_filesystem_avail_bytes/g)).toHaveLength(1);
    expect(parsed.type.get('node_filesystem_avail_bytes')).toBe('gauge');
    expect(parsed.type.get('requests_total')).toBe('counter');
    expect(parsed.type.get('undeclared_metric')).toBe('untyped');
    expect(parsed.help.get('node_filesystem_avail_bytes')).toBe('Free space\nper "fs" \\ mount');
    expect(parsed.samples.find((s) => s.labels.mountpoint === 'C:\\data "x"\nnew')?.value).toBe(20);
    expect(text).toContain('mountpoint="C:\\\\data \\"x\\"\\nnew"');
    expect(parsed.samples.find((s) => s.name === 'undeclared_metric')?.value).toBe(Infinity);
  });

  it('renders histograms from _bucket/_sum/_count samples, buckets in le order, +Inf always present', () => {
    const h = new Histogram([0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    const samples = h.toSamples('op_seconds', { operation: 'submit' }).reverse();
    const values = samples.map((s) => sv(s.name, s.value, s.labels as Record<string, string>));
    // A producer that forgot the +Inf bucket still gets one, equal to _count.
    values.push(
      sv('op_seconds_bucket', 1, { operation: 'cancel', le: '0.1' }),
      sv('op_seconds_count', 2, { operation: 'cancel' }),
    );
    const text = renderExposition(values, registry);
    const parsed = parseExposition(text);
    expect(parsed.type.get('op_seconds')).toBe('histogram');
    expect(parsed.type.has('op_seconds_bucket')).toBe(false);
    const submit = parsed.samples.filter((s) => s.labels.operation === 'submit');
    expect(submit.map((s) => [s.name, s.labels.le, s.value])).toEqual([
      ['op_seconds_bucket', '0.1', 1],
      ['op_seconds_bucket', '1', 2],
      ['op_seconds_bucket', '+Inf', 3],
      ['op_seconds_sum', undefined, 5.55],
      ['op_seconds_count', undefined, 3],
    ]);
    const cancelInf = parsed.samples.find(
      (s) => s.labels.operation === 'cancel' && s.labels.le === '+Inf',
    );
    expect(cancelInf?.value).toBe(2);
  });

  it('never writes a series twice when names sanitize alike, and keeps `le` on a gauge', () => {
    const text = renderExposition(
      [
        sv('order.submit', 1, { side: 'buy' }),
        sv('order_submit', 2, { side: 'buy' }),
        sv('order_submit', 3, { side: 'sell' }),
        sv('slo_target', 0.99, { le: '0.5' }),
        sv('slo_target', 0.9, { le: '0.1' }),
      ],
      registry,
    );
    // parseExposition throws on a duplicate series or a sample outside its family.
    const parsed = parseExposition(text);
    expect(
      parsed.samples.filter((s) => s.name === 'order_submit').map((s) => [s.labels.side, s.value]),
    ).toEqual([
      ['buy', 1],
      ['sell', 3],
    ]);
    expect(parsed.samples.filter((s) => s.name === 'slo_target').map((s) => s.labels.le)).toEqual([
      '0.5',
      '0.1',
    ]);
  });

  it('leaves out stale series and renders nothing for nothing', () => {
    const text = renderExposition(
      [
        sv('requests_total', 1, {}, at - 600_000),
        sv('node_filesystem_avail_bytes', 2, { mountpoint: '/' }),
      ],
      registry,
      {
        staleAfterMs: 300_000,
        now: at,
      },
    );
    expect(parseExposition(text).samples.map((s) => s.name)).toEqual([
      'node_filesystem_avail_bytes',
    ]);
    expect(renderExposition([], registry)).toBe('');
  });
});
