import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as prom from 'prom-client';
import { createHost, type HostHandle } from '@vitals/core';
import { memoryPlugin } from '@vitals/memory';
import { monitorPlugin } from '@vitals/monitor';
import { prometheusPlugin, prometheusRulesYaml } from '@vitals/prometheus';
import {
  freePort,
  getJson,
  startProcess,
  waitFor,
  type RealProcess,
} from './real-binaries.test-util';

/**
 * The real Debian `prometheus` scrapes a Vitals host (jobs `vitals` at 1 s and `vitals-slow` at
 * 5 s), prom-client's defaults (`prom-client`) and the real node_exporter (`node`) side by side;
 * every query of the dashboards in __fixtures__/dashboards is evaluated through Prometheus' HTTP
 * API with the template variables substituted as Grafana would, and an empty answer fails.
 */

interface Query {
  readonly row: string | null;
  readonly panel: string;
  readonly expr: string;
}
interface Variable {
  readonly name: string;
  readonly query: string;
}
interface Dashboard {
  readonly dashboard: string;
  readonly variables: Variable[];
  readonly queries: Query[];
  readonly topRows?: string[];
}
const fixture = (name: string): Dashboard =>
  JSON.parse(readFileSync(join(__dirname, '__fixtures__/dashboards', name), 'utf8')) as Dashboard;
const D11159 = fixture('nodejs-11159.queries.json');
const MIXIN = fixture('nodejs-mixin.queries.json');
const N1860 = fixture('node-exporter-full-1860.queries.json');

/**
 * Queries that are empty by the dashboard's own doing, not the exporter's: each is asserted
 * empty on the reference exporter too (prom-client or node_exporter), so the list cannot hide a
 * Vitals gap.
 */
const KNOWN_EMPTY: Record<string, string> = {
  // nodejs-mixin: "$hostname" is not a variable the dashboard defines; Grafana leaves it as is.
  'Node.js Restarts': 'the dashboard filters on $hostname, a variable it never defines',
  // 1860: /proc/pressure/irq exists only on kernels ≥ 6.1 built with CONFIG_IRQ_TIME_ACCOUNTING
  // and node_exporter 1.5 has no such family.
  node_pressure_irq_stalled_seconds_total: 'no /proc/pressure/irq on this kernel',
};

const knownEmpty = (q: Query): string | undefined =>
  KNOWN_EMPTY[q.panel] ?? Object.entries(KNOWN_EMPTY).find(([k]) => q.expr.includes(k))?.[1];

/** Grafana's macros at a 15 s data-source scrape interval (its default) over the last 5 minutes. */
function substitute(expr: string, vars: Record<string, string>): string {
  let out = expr
    .replace(/\$__rate_interval/g, '1m')
    .replace(/\$__range/g, '5m')
    .replace(/\$__interval/g, '15s');
  for (const [name, value] of Object.entries(vars)) {
    out = out.replace(new RegExp(`\\$\\{${name}\\}|\\$${name}\\b`, 'g'), value);
  }
  return out;
}

type Vector = { metric: Record<string, string>; value: [number, string] }[];

describe('a real Prometheus scraping a Vitals host', () => {
  let dir: string;
  let host: HostHandle;
  let pcServer: Server;
  let registry: prom.Registry;
  let nodeExporter: RealProcess;
  let prometheus: RealProcess;
  let api: string;
  const targets: Record<string, string> = {};

  async function query(expr: string, time?: number): Promise<Vector> {
    const url = `${api}/api/v1/query?query=${encodeURIComponent(expr)}${time ? `&time=${time}` : ''}`;
    const body = await getJson<{ status: string; data: { resultType: string; result: unknown } }>(
      url,
    );
    const r = body.data.result;
    if (body.data.resultType === 'scalar') return [{ metric: {}, value: r as [number, string] }];
    return r as Vector;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vitals-prom-'));
    host = createHost({
      // gzip even on loopback (the default skips it there): the real Prometheus must take our
      // compressed bodies, as it will from another machine.
      plugins: [monitorPlugin(), memoryPlugin(), prometheusPlugin({ compression: 'gzip' })],
      config: { http: { port: 0 }, monitor: { intervalMs: 500 } },
      env: { NODE_ENV: 'test' },
    });
    await host.start();
    targets.vitals = `127.0.0.1:${host.httpAddress()!.port}`;

    registry = new prom.Registry();
    prom.collectDefaultMetrics({ register: registry });
    pcServer = createServer((_req, res) => {
      void registry.metrics().then((text) => {
        res.setHeader('Content-Type', registry.contentType);
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => pcServer.listen(0, '127.0.0.1', resolve));
    targets['prom-client'] = `127.0.0.1:${(pcServer.address() as { port: number }).port}`;

    targets.node = `127.0.0.1:${await freePort()}`;
    nodeExporter = startProcess('/usr/bin/prometheus-node-exporter', [
      `--web.listen-address=${targets.node}`,
    ]);

    // The host's own effective rules, loaded into Prometheus as a fleet would load them.
    writeFileSync(join(dir, 'vitals.rules.yml'), prometheusRulesYaml(host.alerts.rules()));
    const job = (name: string, target: string, interval = '1s') =>
      `  - job_name: ${name}\n    scrape_interval: ${interval}\n    scrape_timeout: ${interval === '1s' ? '1s' : '4s'}\n    static_configs: [{ targets: ['${target}'] }]\n`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      'global: { scrape_interval: 1s, evaluation_interval: 1s }\n' +
        `rule_files: ['${join(dir, 'vitals.rules.yml')}']\n` +
        'scrape_configs:\n' +
        job('vitals', targets.vitals) +
        job('vitals-slow', targets.vitals, '5s') +
        job('prom-client', targets['prom-client']) +
        job('node', targets.node),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = startProcess('/usr/bin/prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    await waitFor(
      `every target up (prometheus output: ${prometheus.output()})`,
      async () => {
        const t = await getJson<{
          data: { activeTargets: { labels: { job: string }; health: string }[] };
        }>(`${api}/api/v1/targets`);
        const up = t.data.activeTargets.filter((a) => a.health === 'up').length;
        return up === 4 ? true : undefined;
      },
      40_000,
    );
    // About 12 scrapes of the 1 s jobs, so rates and irates have points.
    await waitFor(
      'a dozen scrapes',
      async () => {
        const v = await query('count_over_time(up{job="vitals"}[1m])');
        return Number(v[0]?.value[1]) >= 12 ? true : undefined;
      },
      40_000,
    );
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await nodeExporter?.stop();
    await new Promise((r) => pcServer?.close(r));
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Evaluates a dashboard for one target: the queries with data, and the empty ones. */
  async function evaluate(
    d: Dashboard,
    vars: Record<string, string>,
    only?: (q: Query) => boolean,
  ): Promise<{ total: number; withData: number; empty: Query[] }> {
    const qs = d.queries.filter(only ?? (() => true));
    const empty: Query[] = [];
    for (const q of qs) {
      const v = await query(substitute(q.expr, vars));
      if (v.length === 0) empty.push(q);
    }
    return { total: qs.length, withData: qs.length - empty.length, empty };
  }

  /** `label_values(metric{sel}, label)` through the series API. */
  async function labelValues(q: string, vars: Record<string, string>): Promise<string[]> {
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(substitute(q, vars).trim());
    if (!m) throw new Error(`not a label_values query: ${q}`);
    const body = await getJson<{ data: string[] }>(
      `${api}/api/v1/label/${m[2]}/values?match[]=${encodeURIComponent(m[1])}`,
    );
    return body.data;
  }

  const coverage: string[] = [];
  afterAll(() => {
    // The coverage table of the issue, as it stands (printed once for the report).
    console.log(
      ['| dashboard | Vitals | reference |', '| --- | --- | --- |', ...coverage].join('\n'),
    );
  });

  it.each([
    ['11159', D11159],
    ['nodejs-mixin', MIXIN],
  ])(
    'answers every query of the Node.js dashboard %s, as prom-client does',
    async (name, d) => {
      const vars = (target: string, job: string) => ({
        instance: target,
        job,
        // Not defined by the mixin: Grafana sends it verbatim.
        hostname: '$hostname',
      });
      // The dropdowns: every variable query lists the Vitals target.
      for (const v of d.variables) {
        const values = await labelValues(v.query, { job: 'vitals' });
        expect(values).toContain(v.name === 'job' ? 'vitals' : targets.vitals);
      }
      const vitals = await evaluate(d, vars(targets.vitals, 'vitals'));
      const ref = await evaluate(d, vars(targets['prom-client'], 'prom-client'));
      const n = d.variables.length;
      coverage.push(
        `| ${name} | ${vitals.withData + n} of ${vitals.total + n} | prom-client: ${ref.withData + n} of ${ref.total + n} |`,
      );
      const unexplained = vitals.empty.filter((q) => !knownEmpty(q));
      expect(unexplained.map((q) => `${q.panel}: ${q.expr}`)).toEqual([]);
      // A query excused as empty must be empty on prom-client too.
      for (const q of vitals.empty) expect(ref.empty).toContainEqual(q);
    },
    60_000,
  );

  it('answers the top rows of Node Exporter Full (1860) for a host without node_exporter', async () => {
    const top = (q: Query) => (N1860.topRows ?? []).includes(q.row ?? '');
    const nodename = (
      await labelValues('label_values(node_uname_info{job="$job"}, nodename)', { job: 'vitals' })
    )[0];
    expect(nodename).toBeTruthy();
    expect(
      await labelValues(
        'label_values(node_uname_info{job="$job", nodename="$nodename"}, instance)',
        {
          job: 'vitals',
          nodename,
        },
      ),
    ).toContain(targets.vitals);
    expect(await labelValues('label_values(node_uname_info, job)', {})).toEqual(
      expect.arrayContaining(['vitals', 'node']),
    );
    const vitals = await evaluate(N1860, { node: targets.vitals, job: 'vitals', nodename }, top);
    const ref = await evaluate(N1860, { node: targets.node, job: 'node', nodename }, top);
    const all = await evaluate(N1860, { node: targets.vitals, job: 'vitals', nodename });
    const allRef = await evaluate(N1860, { node: targets.node, job: 'node', nodename });
    coverage.push(
      `| 1860 top rows | ${vitals.withData} of ${vitals.total} | node_exporter: ${ref.withData} of ${ref.total} |`,
      `| 1860 all rows | ${all.withData} of ${all.total} | node_exporter: ${allRef.withData} of ${allRef.total} |`,
    );
    const unexplained = vitals.empty.filter((q) => !knownEmpty(q));
    expect(unexplained.map((q) => `${q.panel}: ${q.expr}`)).toEqual([]);
    for (const q of vitals.empty) expect(ref.empty).toContainEqual(q);
  }, 60_000);

  it('keeps every event-loop stall between two scrapes in what Prometheus stores', async () => {
    // Samples later than 500 ms, as the 5 s job has stored them.
    const stalls =
      'vitals_eventloop_delay_seconds_count{job="vitals-slow"} - ignoring (le) vitals_eventloop_delay_seconds_bucket{job="vitals-slow",le="0.5"}';
    const read = async (): Promise<number> => Number((await query(stalls))[0]?.value[1] ?? NaN);
    const before = await read();
    expect(Number.isFinite(before)).toBe(true);
    const t0 = Date.now() / 1000;
    // Three 600 ms stalls within 3 s: at most one scrape of the 5 s job falls among them.
    for (let i = 0; i < 3; i++) {
      const end = Date.now() + 600;
      while (Date.now() < end) {
        // block the event loop, as a synchronous JSON.parse of a large body would
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    // Two more scrapes of the 5 s job.
    const after = await waitFor(
      'the 5 s job to store the stalls',
      async () => {
        const v = await read();
        return v - before >= 3 ? v : undefined;
      },
      20_000,
    );
    expect(after - before).toBeGreaterThanOrEqual(3);
    // The per-tick gauge, sampled every 5 s, saw at most what was current at those scrapes.
    const gauge = await query(
      `count_over_time((nodejs_eventloop_lag_max_seconds{job="vitals-slow"} > 0.5)[${Math.ceil(Date.now() / 1000 - t0) + 1}s:5s])`,
    );
    console.log(
      `stalls > 0.5 s stored by the 5 s job: histogram ${after - before}, last-tick gauge ${gauge[0]?.value[1] ?? 0}`,
    );
  }, 40_000);

  it("loads the host's exported rules: every rule evaluates without error", async () => {
    const rules = await waitFor(
      'rule evaluation',
      async () => {
        const body = await getJson<{
          data: {
            groups: {
              name: string;
              rules: { name: string; health: string; lastError?: string }[];
            }[];
          };
        }>(`${api}/api/v1/rules`);
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
      },
      15_000,
    );
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
    expect(rules.map((r) => r.name)).toEqual(host.alerts.rules().map((r) => r.id));
  }, 20_000);

  it("scrapes OpenMetrics and gzip cleanly, and promtool finds nothing in Vitals' own names", async () => {
    const t = await getJson<{
      data: { activeTargets: { labels: { job: string }; health: string; lastError: string }[] };
    }>(`${api}/api/v1/targets`);
    const vitals = t.data.activeTargets.find((a) => a.labels.job === 'vitals')!;
    expect(vitals.lastError).toBe('');
    const res = await fetch(`http://${targets.vitals}/metrics`, {
      headers: {
        accept:
          'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
        'accept-encoding': 'gzip',
      },
    });
    expect(res.headers.get('content-type')).toMatch(
      /^application\/openmetrics-text; version=1\.0\.0/,
    );
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const om = await res.text(); // fetch inflates the gzip body
    expect(om.endsWith('# EOF\n')).toBe(true);
    const text = await (await fetch(`http://${targets.vitals}/metrics`)).text();
    const check = spawnSync('/usr/bin/promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
    });
    const problems = `${check.stdout}${check.stderr}`.split('\n').filter(Boolean);
    // What promtool reports is only inherited names, kept as prom-client and node_exporter write
    // them (`nodejs_active_handles_total` is a gauge there; meminfo fields are CamelCase there).
    const inherited = /^(node_memory_\w+|nodejs_active_(handles|requests|resources)_total) /;
    expect(problems.filter((p) => !inherited.test(p))).toEqual([]);
    expect(problems.filter((p) => p.startsWith('vitals_'))).toEqual([]);
  });

  it("writes node_exporter's families with node_exporter's types and label names", async () => {
    const families = (text: string) => {
      const types = new Map<string, string>();
      const labels = new Map<string, string>();
      for (const line of text.split('\n')) {
        const t = /^# TYPE (\S+) (\S+)/.exec(line);
        if (t) types.set(t[1], t[2]);
        const s = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? /.exec(line);
        if (s && !line.startsWith('#')) {
          const names = [...(s[2] ?? '').matchAll(/(\w+)="/g)]
            .map((m) => m[1])
            .filter((n) => n !== 'le');
          labels.set(s[1], names.sort().join(','));
        }
      }
      return { types, labels };
    };
    const ours = families(await (await fetch(`http://${targets.vitals}/metrics`)).text());
    const theirs = families(await (await fetch(`http://${targets.node}/metrics`)).text());
    const nodeFamilies = [...ours.types.keys()].filter((n) => n.startsWith('node_'));
    expect(nodeFamilies.length).toBeGreaterThan(60);
    for (const name of nodeFamilies) {
      expect([name, theirs.types.get(name)]).toEqual([name, ours.types.get(name)]);
      const sample = [...ours.labels.keys()].find((k) => k === name);
      if (sample) expect([name, theirs.labels.get(name)]).toEqual([name, ours.labels.get(name)]);
    }
  });
});
