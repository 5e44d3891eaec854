import { METRICS } from '@vitals/core';
import type { AlertEvent, SeriesValue } from '@vitals/core';
import { TickValues, renderJsonLine, renderTable } from './monitor.view';

const at = Date.UTC(2026, 0, 1);
const sv = (name: string, value: number, labels: Record<string, string> = {}): SeriesValue => ({
  name,
  value,
  labels,
  at,
  source: 'test',
});
const alert = (ruleId: string, severity: AlertEvent['severity'], message: string): AlertEvent =>
  ({ ruleId, severity, message, state: 'firing', labels: {} }) as unknown as AlertEvent;

describe('monitor view', () => {
  const lo = { device: 'lo' };

  it('shows network rates since the previous view, and totals without one', () => {
    const before = new TickValues([
      sv(METRICS.netReceiveBytes, 1_000_000, lo),
      sv(METRICS.netTransmitBytes, 0, lo),
    ]);
    const now = new TickValues([
      sv(METRICS.netReceiveBytes, 1_000_000 + 2 * 1024 * 1024, lo),
      sv(METRICS.netTransmitBytes, 4096, lo),
      sv(METRICS.netReceiveErrors, 2, lo),
    ]);
    const table = renderTable(now, [], {
      color: false,
      at: at + 2000,
      previous: { values: before, at },
    });
    expect(table).toMatch(/^Net lo\s+rx 1(\.0)? MiB\/s {2}tx 2(\.0)? KiB\/s {2}errors 2$/m);
    expect(renderTable(now, [], { color: false, at })).toMatch(
      /rx 3\.0 MiB total {2}tx 4\.0 KiB total/,
    );
  });

  it('highlights firing alerts by severity without repeating the rule id', () => {
    const table = renderTable(
      new TickValues([]),
      [
        alert('cpu-used', 'critical', 'CPU above 90 %: vitals_system_cpu_used_ratio = 0.95 > 0.9'),
        alert('mine', 'warning', 'mine: process_open_fds = 600 > 500'),
      ],
      { color: true, at },
    );
    expect(table).toContain('\x1b[31m● CRITICAL cpu-used: CPU above 90 %');
    expect(table).toContain('\x1b[33m● WARNING mine: process_open_fds = 600 > 500\x1b[0m');
    expect(table).not.toContain('mine: mine:');
    expect(renderTable(new TickValues([]), [], { color: false, at })).toContain(
      'Alerts  none firing',
    );
  });

  it('writes one JSON line with labelled keys and non-finite values as strings', () => {
    const line = renderJsonLine(
      new TickValues([sv('a', Infinity), sv('b', 1, { x: '1', a: '2' })]),
      [],
      at,
    );
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      at: new Date(at).toISOString(),
      metrics: { a: 'Infinity', 'b{a="2",x="1"}': 1 },
      alerts: [],
    });
  });
});
