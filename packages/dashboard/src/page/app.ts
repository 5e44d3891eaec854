import { AuthError, backoffMs, getJson, readEvents, saveToken, savedToken } from './api.client.js';
import { ChartView } from './chart.view.js';
import { CHARTS } from './charts.def.js';
import {
  SortableTable,
  addAlertHistory,
  el,
  renderAlertsNow,
  renderServices,
} from './dom.render.js';
import type { AlertEvent, ServiceView } from './dom.render.js';
import { formatBytes, formatNumber, formatRatio, formatSeconds } from './format.js';
import { SeriesStore } from './series.store.js';
import type { Labels } from './series.store.js';

interface Tables {
  services: ServiceView[];
  processes: ProcessRow[];
  profiles: ProfileRow[];
  duplicates: number | null;
}
interface ProcessRow {
  pid: number | null;
  role: string;
  cpuRatio: number | null;
  rssBytes: number | null;
  threads: number | null;
  openFds: number | null;
  uptimeSeconds: number | null;
}
interface ProfileRow {
  fn: string;
  calls: number;
  p95Seconds: number | null;
  meanHeapDeltaBytes: number | null;
  gcs: number;
}
interface Snapshot {
  at: number;
  intervalMs: number;
  series: string[];
  descriptors: Record<string, { help: string; unit: string }>;
  alerts: { firing: AlertEvent[]; pending: AlertEvent[]; recent: AlertEvent[] };
  tables: Tables;
}
interface HistoryAnswer {
  series: { name: string; labels: Labels; points: [number, number][] }[];
}
interface Tick {
  at: number;
  samples: [string, Labels, number, number][];
  alerts: AlertEvent[];
  tables: Tables;
}

const $ = (id: string) => document.getElementById(id) as HTMLElement;

class Dashboard {
  private store = new SeriesStore(1000);
  private readonly charts = CHARTS.map((def) => new ChartView(def));
  private source = '';
  private firing = new Map<string, AlertEvent>();
  private pending = new Map<string, AlertEvent>();
  private readonly processes = new SortableTable<ProcessRow>(
    $('processes'),
    [
      { key: 'pid', title: 'pid', numeric: true },
      { key: 'role', title: 'process' },
      {
        key: 'cpuRatio',
        title: 'CPU',
        numeric: true,
        format: (v) => formatRatio(v as number | null),
      },
      {
        key: 'rssBytes',
        title: 'RSS',
        numeric: true,
        format: (v) => formatBytes(v as number | null),
      },
      {
        key: 'threads',
        title: 'threads',
        numeric: true,
        format: (v) => formatNumber(v as number | null),
      },
      {
        key: 'openFds',
        title: 'open fds',
        numeric: true,
        format: (v) => formatNumber(v as number | null),
      },
      {
        key: 'uptimeSeconds',
        title: 'up for',
        numeric: true,
        format: (v) => formatSeconds(v as number | null),
      },
    ],
    'rssBytes',
    'No process figures yet (the monitor plugin publishes them).',
  );
  private readonly profiles = new SortableTable<ProfileRow>(
    $('profiles'),
    [
      { key: 'fn', title: 'function' },
      { key: 'calls', title: 'calls', numeric: true, format: (v) => formatNumber(v as number) },
      {
        key: 'p95Seconds',
        title: 'p95 duration',
        numeric: true,
        format: (v) => formatSeconds(v as number | null),
      },
      {
        key: 'meanHeapDeltaBytes',
        title: 'mean heap delta',
        numeric: true,
        format: (v) => formatBytes(v as number | null),
      },
      {
        key: 'gcs',
        title: 'GCs during calls',
        numeric: true,
        format: (v) => formatNumber(v as number),
      },
    ],
    'calls',
    'No @memoryProfile method has run yet.',
  );
  private attempt = 0;
  private stop = new AbortController();

  constructor() {
    $('charts').replaceChildren(...this.charts.map((c) => c.root));
    $('source').addEventListener('change', (e) => {
      this.source = (e.target as HTMLSelectElement).value;
      this.drawCharts();
    });
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      saveToken(($('token') as HTMLInputElement).value);
      this.restart();
    });
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () =>
      this.drawCharts(true),
    );
  }

  /** Loads everything and keeps the event stream open, reconnecting with backoff. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.load(signal);
        this.setStatus('live', 'live');
        await readEvents(
          '../events',
          () => (this.attempt = 0),
          (e) => {
            if (e.event === 'tick') this.onTick(JSON.parse(e.data) as Tick);
          },
          Math.max(20_000, 5 * this.store.step),
          signal,
        );
        if (signal.aborted) return;
        throw new Error('the host closed the stream');
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof AuthError) return this.askToken(error);
        const wait = backoffMs(this.attempt++);
        this.setStatus(
          'reconnecting',
          `disconnected: reconnecting in ${Math.round(wait / 1000)} s`,
        );
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  restart(): void {
    this.stop.abort();
    this.stop = new AbortController();
    this.attempt = 0;
    void this.run(this.stop.signal);
  }

  private askToken(error: AuthError): void {
    $('main').hidden = true;
    $('login').hidden = false;
    const message = $('login-message');
    message.className = error.hadToken ? 'error' : '';
    message.textContent = error.hadToken
      ? 'The host refused this token. Enter the value of http.token.'
      : 'This host asks for its access token (http.token).';
    this.setStatus('refused', error.hadToken ? 'token refused' : 'token needed');
    if (error.hadToken) saveToken(null);
    ($('token') as HTMLInputElement).focus();
  }

  private async load(signal: AbortSignal): Promise<void> {
    const snap = await getJson<Snapshot>('../api/snapshot', signal);
    const query = snap.series.map((s) => `series=${encodeURIComponent(s)}`).join('&');
    const history = await getJson<HistoryAnswer>(`../api/history?${query}`, signal);
    $('login').hidden = true;
    $('main').hidden = false;
    this.store = new SeriesStore(snap.intervalMs);
    for (const c of this.charts) c.setHelp(snap.descriptors);
    for (const s of history.series)
      for (const [at, v] of s.points) this.store.add(s.name, s.labels, at, v);
    this.firing = new Map(snap.alerts.firing.map((a) => [key(a), a]));
    this.pending = new Map(snap.alerts.pending.map((a) => [key(a), a]));
    const tbody = $('alert-history').querySelector('tbody') as HTMLElement;
    tbody.replaceChildren();
    addAlertHistory(tbody, snap.alerts.recent);
    this.renderAlerts();
    this.renderTables(snap.tables, snap.at);
    this.drawCharts();
  }

  private onTick(tick: Tick): void {
    for (const [name, labels, at, value] of tick.samples) this.store.add(name, labels, at, value);
    for (const a of tick.alerts) {
      const k = key(a);
      this.firing.delete(k);
      this.pending.delete(k);
      if (a.state === 'firing') this.firing.set(k, a);
      if (a.state === 'pending') this.pending.set(k, a);
    }
    if (tick.alerts.length > 0) {
      addAlertHistory($('alert-history').querySelector('tbody') as HTMLElement, tick.alerts);
      this.renderAlerts();
    }
    this.renderTables(tick.tables, tick.at);
    this.drawCharts();
  }

  private renderAlerts(): void {
    renderAlertsNow($('alerts-now'), [...this.firing.values()], [...this.pending.values()]);
  }

  private renderTables(tables: Tables, now: number): void {
    renderServices($('services'), tables.services, now);
    this.processes.set(tables.processes);
    this.profiles.set(tables.profiles);
    $('duplicates').textContent =
      tables.duplicates === null
        ? 'Duplicate detection needs the process plugin.'
        : `Duplicate processes (copies beyond the first): ${tables.duplicates}`;
    this.updateSources(tables.services.map((s) => s.name));
  }

  private updateSources(fromTables: string[]): void {
    const select = $('source') as HTMLSelectElement;
    const names = [...new Set([...fromTables, ...this.store.services()])].sort();
    const have = [...select.options].slice(1).map((o) => o.value);
    if (names.join('\u0000') === have.join('\u0000')) return;
    select.replaceChildren(
      el('option', { value: '' }, 'this host'),
      ...names.map((n) => el('option', { value: n }, `service ${n}`)),
    );
    select.value = names.includes(this.source) ? this.source : '';
    this.source = select.value;
  }

  private drawCharts(force = false): void {
    for (const c of this.charts) c.update(this.store, this.source, force);
  }

  private setStatus(state: string, text: string): void {
    const status = $('status');
    status.setAttribute('data-state', state);
    status.textContent = text;
  }
}

function key(a: AlertEvent): string {
  return a.ruleId + JSON.stringify(Object.entries(a.labels).sort());
}

function main(): void {
  if (savedToken() === null && location.hash.startsWith('#token=')) {
    // A link may carry the token in the fragment (never sent to the server); keep it, then drop it.
    saveToken(decodeURIComponent(location.hash.slice(7)));
    history.replaceState(null, '', location.pathname);
  }
  new Dashboard().restart();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
