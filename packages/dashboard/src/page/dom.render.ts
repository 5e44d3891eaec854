/**
 * DOM building for the page. Text from outside (labels, messages, names) only ever goes in through
 * `textContent` or attribute values: never through innerHTML.
 */
import {
  formatBytes,
  formatLabels,
  formatNumber,
  formatRatio,
  formatSeconds,
  formatTime,
  visible,
} from './format.js';

/** An alert transition as the API sends it. */
export interface AlertEvent {
  readonly ruleId: string;
  readonly state: 'pending' | 'firing' | 'resolved';
  readonly severity: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly threshold: number;
  readonly at: number;
  readonly since: number;
  readonly message: string;
}

/** A service card's data (see the server's ServiceView). */
export interface ServiceView {
  readonly name: string;
  readonly state: string;
  readonly pid: number | null;
  readonly restarts: number;
  readonly hangs: number;
  readonly startedAt: number | null;
  readonly rssBytes: number | null;
  readonly heapUsedBytes: number | null;
  readonly heapTotalBytes: number | null;
  readonly heapLimitBytes: number | null;
  readonly eventLoopP99Seconds: number | null;
  readonly leaks: readonly {
    kind: string;
    rateBytesPerSecond: number;
    confidence: number | null;
    timeToLimitSeconds: number | null;
  }[];
  readonly leakMessage: string | null;
}

/**
 * Creates an element with text and attributes (attribute values are never parsed as markup). Text
 * children go through {@link visible}: control and bidi characters show as escapes.
 */
export function el(
  tag: string,
  attrs: Record<string, string | number | null | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs))
    if (v !== null && v !== undefined) node.setAttribute(k, String(v));
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(typeof c === 'string' ? document.createTextNode(visible(c)) : c);
  }
  return node;
}

/** Firing and pending alerts now. */
export function renderAlertsNow(
  list: HTMLElement,
  firing: readonly AlertEvent[],
  pending: readonly AlertEvent[],
): void {
  const items = [...firing, ...pending].map((a) =>
    el(
      'li',
      { 'data-state': a.state, 'data-rule': a.ruleId },
      el('span', { class: 'badge', 'data-kind': a.state }, a.state),
      el('span', { class: 'badge', 'data-kind': a.severity }, a.severity),
      el('strong', {}, a.ruleId),
      ' ',
      a.message,
      ' ',
      el('span', { class: 'note' }, `since ${formatTime(a.since)}`),
    ),
  );
  if (items.length === 0) items.push(el('li', { class: 'none' }, 'No alert is firing or pending.'));
  list.replaceChildren(...items);
}

/** Prepends transitions (given oldest first) to the history table, keeping `max` rows. */
export function addAlertHistory(
  tbody: HTMLElement,
  events: readonly AlertEvent[],
  max = 200,
): void {
  for (const a of events) {
    const row = el(
      'tr',
      { 'data-state': a.state, 'data-rule': a.ruleId },
      el('td', {}, formatTime(a.at)),
      el('td', {}, el('span', { class: 'badge', 'data-kind': a.state }, a.state)),
      el('td', {}, a.ruleId),
      el('td', {}, formatLabels(a.labels)),
      el('td', { class: 'num' }, formatNumber(a.value)),
      el('td', { class: 'num' }, formatNumber(a.threshold)),
      el('td', {}, a.message),
    );
    tbody.prepend(row);
  }
  while (tbody.children.length > max) tbody.lastElementChild?.remove();
}

function leakText(leak: ServiceView['leaks'][number]): string {
  if (!(leak.rateBytesPerSecond > 0)) return `${leak.kind}: no leak`;
  const parts = [`${leak.kind}: leaking ${formatBytes(leak.rateBytesPerSecond * 60)}/min`];
  if (leak.confidence !== null) parts.push(`confidence ${formatRatio(leak.confidence)}`);
  if (leak.timeToLimitSeconds !== null)
    parts.push(`limit in ${formatSeconds(leak.timeToLimitSeconds)}`);
  return parts.join(', ');
}

/** One card per supervised service. */
export function renderServices(
  box: HTMLElement,
  services: readonly ServiceView[],
  now: number,
): void {
  if (services.length === 0) {
    box.replaceChildren(
      el('p', { class: 'note' }, 'No supervised service (start one with vitals run).'),
    );
    return;
  }
  box.replaceChildren(
    ...services.map((s) => {
      const leaking = s.leaks.some((l) => l.rateBytesPerSecond > 0);
      const heap =
        s.heapUsedBytes !== null && s.heapLimitBytes
          ? el('meter', {
              min: 0,
              max: s.heapLimitBytes,
              value: s.heapUsedBytes,
              high: s.heapLimitBytes * 0.8,
              optimum: 0,
            })
          : null;
      return el(
        'article',
        {
          class: 'card',
          'data-service': s.name,
          'data-state': s.state,
          'data-restarts': s.restarts,
        },
        el('h3', {}, el('span', { class: 'badge', 'data-kind': s.state }, s.state), s.name),
        el(
          'dl',
          {},
          el('dt', {}, 'restarts'),
          el('dd', { class: 'restarts' }, String(s.restarts)),
          el('dt', {}, 'pid'),
          el('dd', { class: 'pid' }, s.pid === null ? '–' : String(s.pid)),
          el('dt', {}, 'up for'),
          el('dd', {}, s.startedAt === null ? '–' : formatSeconds((now - s.startedAt) / 1000)),
          el('dt', {}, 'RSS'),
          el('dd', {}, formatBytes(s.rssBytes)),
          el('dt', {}, 'heap'),
          el(
            'dd',
            {},
            `${formatBytes(s.heapUsedBytes)} of ${formatBytes(s.heapLimitBytes)} limit`,
            heap,
          ),
          el('dt', {}, 'event loop p99'),
          el('dd', {}, formatSeconds(s.eventLoopP99Seconds)),
          el('dt', {}, 'hangs'),
          el('dd', {}, String(s.hangs)),
          el('dt', {}, 'leak'),
          el(
            'dd',
            { class: 'leak' },
            el(
              'span',
              { class: 'badge', 'data-kind': leaking ? 'leaking' : 'ok' },
              leaking ? 'leaking' : s.leaks.length ? 'no leak' : 'not assessed yet',
            ),
            s.leaks.map(leakText).join('; '),
          ),
        ),
        s.leakMessage ? el('pre', { class: 'leak-message' }, s.leakMessage) : null,
      );
    }),
  );
}

/** A column of a sortable table. */
export interface Column<T> {
  readonly key: keyof T & string;
  readonly title: string;
  readonly format?: (v: T[keyof T]) => string;
  readonly numeric?: boolean;
}

/**
 * A table whose header buttons sort it (click again to reverse). Keeps the sort across
 * re-renders; rows carry `data-key` for tests and styling.
 */
export class SortableTable<T> {
  private sortKey: keyof T & string;
  private descending = true;
  private rows: readonly T[] = [];

  constructor(
    private readonly table: HTMLElement,
    private readonly columns: readonly Column<T>[],
    initial: keyof T & string,
    private readonly empty: string,
  ) {
    this.sortKey = initial;
  }

  set(rows: readonly T[]): void {
    this.rows = rows;
    this.render();
  }

  private render(): void {
    const head = el(
      'tr',
      {},
      ...this.columns.map((c) => {
        const button = el('button', { type: 'button', 'data-sort': c.key }, c.title);
        button.addEventListener('click', () => {
          if (this.sortKey === c.key) this.descending = !this.descending;
          else {
            this.sortKey = c.key;
            this.descending = c.numeric === true;
          }
          this.render();
        });
        const sort = this.sortKey === c.key ? (this.descending ? 'descending' : 'ascending') : null;
        return el('th', { class: c.numeric ? 'num' : null, 'aria-sort': sort }, button);
      }),
    );
    const k = this.sortKey;
    const dir = this.descending ? -1 : 1;
    const sorted = [...this.rows].sort((a, b) => {
      const x = a[k] as unknown;
      const y = b[k] as unknown;
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (
        (typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x).localeCompare(String(y))) * dir
      );
    });
    const body = sorted.map((r) =>
      el(
        'tr',
        {},
        ...this.columns.map((c) =>
          el(
            'td',
            { class: c.numeric ? 'num' : null },
            c.format ? c.format(r[c.key]) : String(r[c.key] ?? '–'),
          ),
        ),
      ),
    );
    if (body.length === 0)
      body.push(
        el('tr', {}, el('td', { colspan: this.columns.length, class: 'note' }, this.empty)),
      );
    this.table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
  }
}
