import { escapeControl, formatDuration } from '@vitals/core';
import type { Severity } from '@vitals/core';
import type { DiagnosisReport } from './diagnostics.runner';
import { toJsonReport } from './report.json';

/** Areas in report order; any other area follows, alphabetically. */
export const AREA_ORDER: readonly string[] = [
  'memory',
  'cpu',
  'disk',
  'process',
  'runtime',
  'environment',
];

const LABEL: Record<Severity, string> = {
  ok: 'ok',
  info: 'info',
  warning: 'WARNING',
  critical: 'CRITICAL',
};
const COLOUR: Record<Severity, string> = { ok: '32', info: '36', warning: '33', critical: '31' };

/**
 * The human report: a header, then findings grouped by area, each with severity, check, message,
 * and (when not ok) the figure behind it and what to do. ANSI colour only when `colour` is set
 * (the command sets it for a TTY). Every text that may come from outside (the command line, check
 * names, messages, figures and recommendations of any registered check) has its control
 * characters escaped, so it cannot forge a line or drive the terminal.
 * @example stdout.write(formatReport(report, { colour: stdout.isTTY === true }))
 */
export function formatReport(report: DiagnosisReport, options: { colour?: boolean } = {}): string {
  const paint = (severity: Severity, text: string) =>
    options.colour ? `\x1b[${COLOUR[severity]}m${text}\x1b[0m` : text;
  const json = toJsonReport(report);
  const { target } = report;
  const safe = escapeControl;
  const lines = [
    `Vitals diagnosis of pid ${target.pid}${target.self ? ' (this process)' : ''}: ${safe(target.command)}`,
    `${json.at} · ${report.windowMs > 0 ? `${report.samples} samples over ${formatDuration(report.windowMs)} · ` : ''}took ${formatDuration(report.durationMs)}`,
    `Overall: ${paint(report.severity, LABEL[report.severity])} (${json.summary.critical} critical, ${json.summary.warning} warning, ${json.summary.info} info, ${json.summary.ok} ok)`,
  ];
  const areas = [...new Set(json.findings.map((f) => f.area))].sort((a, b) => {
    const ia = AREA_ORDER.indexOf(a);
    const ib = AREA_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const width = Math.max(...json.findings.map((f) => safe(f.check).length), 5);
  for (const area of areas) {
    lines.push('', safe(area.toUpperCase()));
    for (const f of json.findings.filter((x) => x.area === area)) {
      lines.push(
        `  ${paint(f.severity, LABEL[f.severity].padEnd(8))} ${safe(f.check).padEnd(width)}  ${safe(f.message)}`,
      );
      const indent = ' '.repeat(width + 13);
      if (f.severity !== 'ok' && f.figure) lines.push(`${indent}figure: ${safe(f.figure)}`);
      if (f.recommendation) lines.push(`${indent}do: ${safe(f.recommendation)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
