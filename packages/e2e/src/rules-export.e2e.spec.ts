import { spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

// The real binary, as an operator runs it before copying the file to Prometheus.
const BIN = path.resolve(__dirname, '../../host/bin/vitals.js');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function run(bin: string, args: string[], cwd: string) {
  const r = spawnSync(bin, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test' },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('vitals rules export', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-rules-'));
    // Port 0: a `vitals start` on the default port does not get in the way.
    fs.writeFileSync(
      path.join(dir, 'vitals.config.json'),
      JSON.stringify({
        http: { port: 0 },
        monitor: {
          alerts: {
            extra: [
              {
                id: 'queue-deep',
                metric: 'app_queue_depth',
                labels: { queue: 'orders' },
                op: '>',
                threshold: 1000,
                clear: 800,
                for: '30s',
                severity: 'critical',
                summary: 'Order queue "deep"',
              },
            ],
          },
        },
      }),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the host's defaults and the user's rules as a file promtool check rules accepts", () => {
    const { code, err } = run(process.execPath, [BIN, 'rules', 'export', '-o', 'rules.yml'], dir);
    expect(err).toMatch(/^wrote \d+ rules to .*rules\.yml\n$/);
    expect(code).toBe(0);
    const file = parse(fs.readFileSync(path.join(dir, 'rules.yml'), 'utf8')) as {
      groups: { name: string; rules: Rule[] }[];
    };
    const names = file.groups[0].rules.map((r) => r.alert);
    expect(names).toEqual(expect.arrayContaining(['memory-used', 'disk-used', 'queue-deep']));
    const deep = file.groups[0].rules.find((r) => r.alert === 'queue-deep')!;
    expect(deep).toMatchObject({ for: '30s', labels: { severity: 'critical' } });
    expect(deep.expr).toContain('app_queue_depth{queue="orders"} > 1000');
    const check = run('/usr/bin/promtool', ['check', 'rules', 'rules.yml'], dir);
    expect(`${check.out}${check.err}`).toContain(`SUCCESS: ${names.length} rules found`);
    expect(check.code).toBe(0);
  });

  it('means the same in PromQL: for, severity, and the clear threshold (hysteresis)', () => {
    const file = parse(fs.readFileSync(path.join(dir, 'rules.yml'), 'utf8')) as {
      groups: { rules: Rule[] }[];
    };
    const rule = file.groups[0].rules.find((r) => r.alert === 'queue-deep')!;
    const series = 'app_queue_depth{instance="h:9477",job="vitals",queue="orders"}';
    const labels = { ...rule.labels, instance: 'h:9477', job: 'vitals', queue: 'orders' };
    const annotations = (value: string) =>
      Object.fromEntries(
        Object.entries(rule.annotations).map(([k, v]) => [
          k,
          v.replace('{{ $value }}', value).replace('{{ $labels.instance }}', 'h:9477'),
        ]),
      );
    const firing = (value: string) => [{ exp_labels: labels, exp_annotations: annotations(value) }];
    const test = {
      rule_files: ['rules.yml'],
      evaluation_interval: '15s',
      tests: [
        {
          // 500, then 1200 for 5 min, 900 (between clear and threshold) for 5 min, then 700.
          interval: '15s',
          input_series: [{ series, values: '500 1200x20 900x20 700x10' }],
          alert_rule_test: [
            // Not yet: `for` is 30 s.
            { eval_time: '30s', alertname: 'queue-deep', exp_alerts: [] },
            { eval_time: '2m', alertname: 'queue-deep', exp_alerts: firing('1200') },
            // 900 < 1000 but > 800: still firing, as the Vitals engine keeps it.
            { eval_time: '8m', alertname: 'queue-deep', exp_alerts: firing('900') },
            { eval_time: '12m', alertname: 'queue-deep', exp_alerts: [] },
          ],
        },
        {
          // Between clear and threshold without having fired: never fires.
          interval: '15s',
          input_series: [{ series, values: '900x40' }],
          alert_rule_test: [{ eval_time: '5m', alertname: 'queue-deep', exp_alerts: [] }],
        },
      ],
    };
    fs.writeFileSync(path.join(dir, 'rules.test.yml'), JSON.stringify(test));
    const r = run('/usr/bin/promtool', ['test', 'rules', 'rules.test.yml'], dir);
    expect(`${r.out}${r.err}`).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('works beside a running host: a config whose port is taken still exports', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const sub = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-rules-busy-'));
    try {
      fs.writeFileSync(path.join(sub, 'vitals.config.json'), JSON.stringify({ http: { port } }));
      const { code, out, err } = run(process.execPath, [BIN, 'rules', 'export'], sub);
      expect(err).toBe('');
      expect(out).toMatch(/^groups:/m);
      expect(code).toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
      fs.rmSync(sub, { recursive: true, force: true });
    }
  });

  it('refuses a bad --group and a symbolic link as --output, with one line each', () => {
    const bad = run(process.execPath, [BIN, 'rules', 'export', '--group', 'a b'], dir);
    expect(bad.code).toBe(64);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    fs.symlinkSync('/tmp/nowhere-vitals', path.join(dir, 'link.yml'));
    const link = run(process.execPath, [BIN, 'rules', 'export', '-o', 'link.yml'], dir);
    expect(link.code).toBe(1);
    expect(link.err).toMatch(/symbolic link/);
    expect(fs.existsSync('/tmp/nowhere-vitals')).toBe(false);
  });
});
