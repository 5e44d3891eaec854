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

  it("sections the view by whose figures they are: the machine's, then the watched process's own cgroup", () => {
    const GiB = 1024 ** 3;
    const MiB = 1024 ** 2;
    const pid = { pid: '4242' };
    const v = new TickValues([
      sv(METRICS.memTotalBytes, 32 * GiB),
      sv(METRICS.memAvailableBytes, 28 * GiB),
      // The CLI's own ratio and limit (unlabelled) must not be shown as the target's.
      sv(METRICS.memoryUsedRatio, 0.115),
      sv(METRICS.cgroupMemoryLimitBytes, 64 * GiB),
      sv(METRICS.cgroupMemoryLimitBytes, 512 * MiB, pid),
      sv(METRICS.cgroupMemoryWorkingSetBytes, 448 * MiB, pid),
      sv(METRICS.cgroupCpuLimitCores, 0.5, pid),
      sv('vitals_cgroup_cpu_throttled_ratio', 0.4, pid),
      sv(METRICS.processRssBytes, 479 * MiB, pid),
      sv(METRICS.fsUsedRatio, 0.5, { mountpoint: '/x\x1b[2J', device: '/dev/sda1\n' }),
    ]);
    const table = renderTable(v, [alert('x', 'warning', 'x: a\x1b[2Jb')], {
      color: false,
      at,
      pid: 4242,
      subject: 'pid 4242 (node bot.js)',
    });
    const lines = table.split('\n');
    expect(lines[2]).toBe('machine');
    expect(table).toMatch(/^Memory\s+12\.5 % used {2}28\.0 GiB available of 32\.0 GiB/m);
    expect(table).not.toContain('11.5');
    const process = lines.indexOf('pid 4242 (node bot.js)');
    expect(process).toBeGreaterThan(2);
    expect(lines[process + 1]).toMatch(/^Process\s+CPU - {2}RSS 479 MiB/);
    expect(lines[process + 2]).toMatch(
      /^Cgroup\s+memory 448 MiB of 512 MiB \(87\.5 %\) {2}CPU quota 0\.5 cores {2}throttled 40\.0 % of periods$/,
    );
    // Outside text (a mount point, a device, an alert's labels) cannot drive the terminal.
    expect(table).toContain('Disk /x\\x1b[2J');
    expect(table).toContain('(/dev/sda1\\n)');
    expect(table).toContain('x: a\\x1b[2Jb');
    // eslint-disable-next-line no-control-regex
    expect(table.replace(/\n/g, '')).not.toMatch(/[\x00-\x1f]/);
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
