import type { ChartDef, ChartUnit } from './charts.def.js';
import { el } from './dom.render.js';
import { formatBytes, visible } from './format.js';
import type { SeriesStore, SourceFilter } from './series.store.js';

type UPlotCtor = typeof import('uplot');
type UPlot = InstanceType<UPlotCtor>;
type Options = import('uplot').Options;

/** uPlot, loaded by its own script tag (vendor/uPlot.iife.min.js) from this origin. */
declare const uPlot: UPlotCtor;

const PALETTE = [
  '#2f81f7',
  '#e5534b',
  '#3fb950',
  '#d29922',
  '#a371f7',
  '#39c5cf',
  '#db61a2',
  '#8b949e',
];
const HEIGHT = 200;
/** The y axis's tick labels, in CSS px (uPlot scales it for the device's pixel ratio). */
const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
/** uPlot's defaults: tick length and the gap between tick and label, CSS px. */
const TICK_SIZE = 10;
const TICK_GAP = 5;
let measurer: CanvasRenderingContext2D | null | undefined;

/**
 * Width the y axis needs for `values` (its tick labels), CSS px: a fixed width cuts wide labels
 * off at the canvas's left edge, so "23.8 MiB/s" would read "3.8 MiB/s".
 */
function axisSize(values: readonly string[] | null): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  let widest = 40;
  if (measurer && values) {
    measurer.font = AXIS_FONT;
    for (const v of values) widest = Math.max(widest, measurer.measureText(v).width);
  }
  return Math.ceil(widest) + TICK_SIZE + TICK_GAP + 4;
}

function formatter(unit: ChartUnit): (v: number | null) => string {
  return (v) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return '–';
    switch (unit) {
      case 'percent':
        return `${v.toFixed(v < 10 ? 1 : 0)} %`;
      case 'bytes':
        return formatBytes(v);
      case 'bytesPerSecond':
        return `${formatBytes(v)}/s`;
      case 'ms':
        return `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;
    }
  };
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * One chart on the page: a uPlot instance redrawn from the store on each tick. The container
 * carries `data-points` (x values drawn) and `data-last` (newest time, epoch ms) so a test or a
 * user script can tell the chart moved.
 */
export class ChartView {
  readonly root: HTMLElement;
  private readonly plotBox: HTMLElement;
  private readonly empty: HTMLElement;
  private plot: UPlot | undefined;
  private labels = '';
  private readonly format: (v: number | null) => string;

  constructor(private readonly def: ChartDef) {
    this.format = formatter(def.unit);
    this.plotBox = el('div', { class: 'plot' });
    this.empty = el('p', { class: 'empty' }, 'No data yet.');
    this.root = el(
      'figure',
      { class: 'chart', id: `chart-${def.id}`, 'data-chart': def.id, 'data-points': 0 },
      el('h3', {}, def.title),
      this.empty,
      this.plotBox,
    );
    new ResizeObserver(() => this.resize()).observe(this.root);
  }

  /** Sets the title's tooltip: what each metric is, from the host's descriptors. */
  setHelp(descriptors: Readonly<Record<string, { help: string; unit: string }>>): void {
    const lines = this.def.metrics
      .filter((m) => descriptors[m])
      .map((m) => `${m} (${descriptors[m].unit}): ${descriptors[m].help}`);
    this.root.querySelector('h3')?.setAttribute('title', lines.join('\n'));
  }

  /** Redraws from `store` for `source`; `force` rebuilds the plot (theme change). */
  update(store: SeriesStore, source: SourceFilter, force = false): void {
    const lines = this.def.lines(store, source).filter((l) => l.points.size > 0);
    const times = [...new Set(lines.flatMap((l) => [...l.points.keys()]))]
      .sort((a, b) => a - b)
      .slice(-900);
    this.root.setAttribute('data-points', String(times.length));
    this.root.setAttribute('data-last', String(times[times.length - 1] ?? ''));
    this.empty.hidden = times.length > 0;
    if (times.length === 0) {
      this.destroy();
      return;
    }
    const data = [
      times.map((t) => t / 1000),
      ...lines.map((l) => times.map((t) => l.points.get(t) ?? null)),
    ];
    const labels = lines.map((l) => l.label).join('\u0000');
    if (!this.plot || labels !== this.labels || force) {
      this.destroy();
      this.labels = labels;
      this.plot = new uPlot(
        this.options(lines.map((l) => visible(l.label))),
        data as never,
        this.plotBox,
      );
    } else {
      this.plot.setData(data as never);
    }
  }

  private options(labels: readonly string[]): Options {
    const fg = cssVar('--muted');
    const grid = cssVar('--line');
    const axis = {
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    };
    return {
      width: Math.max(200, this.root.clientWidth),
      height: HEIGHT,
      series: [
        {},
        ...labels.map((label, i) => ({
          label,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: true,
          points: { show: false },
          value: (_u: UPlot, v: number | null) => this.format(v),
        })),
      ],
      axes: [
        axis,
        {
          ...axis,
          font: AXIS_FONT,
          size: (_u: UPlot, values: string[] | null) => axisSize(values),
          values: (_u: UPlot, splits: number[]) => splits.map((v) => this.format(v)),
        },
      ],
      scales: {
        y: {
          range: (_u: UPlot, min: number, max: number) => [
            Math.min(0, min),
            max > 0 ? max * 1.1 : 1,
          ],
        },
      },
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
  }

  private resize(): void {
    if (this.plot)
      this.plot.setSize({ width: Math.max(200, this.root.clientWidth), height: HEIGHT });
  }

  private destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.labels = '';
  }
}
