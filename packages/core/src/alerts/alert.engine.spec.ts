import type { Subscription } from 'rxjs';
import { MetricStream } from '../metrics/metric.stream';
import type { Labels } from '../metrics/metric.types';
import { AlertEngine } from './alert.engine';
import type { AlertEvent } from './alert.types';

describe('AlertEngine', () => {
  let stream: MetricStream;
  let engine: AlertEngine;
  let events: AlertEvent[];
  let subs: Subscription[];

  beforeEach(() => {
    stream = new MetricStream();
    engine = new AlertEngine(stream);
    events = [];
    subs = [engine.alerts$.subscribe((e) => events.push(e)), engine.attach(stream.batches$)];
  });

  afterEach(() => {
    for (const sub of subs) sub.unsubscribe();
    stream.close();
  });

  /** Publishes one sample at virtual time `seconds` (the batch's `at`). */
  const publish = (seconds: number, value: number, name = 'cpu', labels?: Labels) =>
    stream.publish({ source: 'test', at: seconds * 1000, samples: [{ name, value, labels }] });
  /** Publishes `value` every 5 s from `from` to `to` seconds (inclusive). */
  const hold = (from: number, to: number, value: number, name = 'cpu') => {
    for (let t = from; t <= to; t += 5) publish(t, value, name);
  };
  const states = () => events.map((e) => `${e.state}@${e.at / 1000}`);

  describe('for', () => {
    beforeEach(() => {
      engine.addRule({ id: 'cpu-high', metric: 'cpu', op: '>', threshold: 0.9, for: '30s' });
    });

    it('does not fire on a 10-second spike', () => {
      hold(0, 10, 0.95);
      hold(15, 120, 0.5);
      expect(states()).toEqual(['pending@0']);
      expect(engine.active()).toEqual([]);
    });

    it('fires on a 40-second one, 30 s after it started, and resolves when it ends', () => {
      hold(0, 40, 0.95);
      hold(45, 60, 0.5);
      expect(states()).toEqual(['pending@0', 'firing@30', 'resolved@45']);
      expect(events[1]).toMatchObject({
        since: 0,
        value: 0.95,
        threshold: 0.9,
        severity: 'warning',
      });
      expect(events[2].since).toBe(0);
    });

    it('lists a series as pending until it fires or the condition breaks', () => {
      hold(0, 10, 0.95);
      expect(engine.pending()).toEqual([events[0]]);
      hold(15, 35, 0.95);
      expect(states()).toEqual(['pending@0', 'firing@30']);
      expect(engine.pending()).toEqual([]);
      hold(40, 45, 0.5);
      hold(50, 55, 0.95);
      expect(engine.pending().map((e) => e.at)).toEqual([50000]);
      publish(60, 0.1);
      expect(engine.pending()).toEqual([]);
    });

    it('starts over when the condition breaks while pending', () => {
      hold(0, 25, 0.95);
      publish(27, 0.1);
      hold(30, 60, 0.95);
      expect(states()).toEqual(['pending@0', 'pending@30', 'firing@60']);
    });
  });

  it('keeps a firing alert firing when its rule only gains a new summary, and resolves one whose condition changed', () => {
    engine.addRule({
      id: 'leak',
      metric: 'rate',
      op: '>',
      threshold: 0,
      severity: 'warning',
      summary: 'Leak',
    });
    publish(1, 5, 'rate');
    expect(states()).toEqual(['firing@1']);
    engine.addRule({
      id: 'leak',
      metric: 'rate',
      op: '>',
      threshold: 0,
      severity: 'warning',
      summary: 'Leak; grew: BookLevel',
    });
    publish(2, 6, 'rate');
    expect(states()).toEqual(['firing@1']);
    expect(engine.active()[0].message).toContain('BookLevel');
    expect(engine.active()[0].at).toBe(events[0].at);
    engine.addRule({ id: 'leak', metric: 'rate', op: '>', threshold: 10, severity: 'warning' });
    expect(states()).toEqual(['firing@1', 'resolved@2']);
  });

  it("lists an alert with its series' latest value, as Prometheus' /api/v1/alerts does", () => {
    engine.addRule({ id: 'mem', metric: 'mem', op: '>', threshold: 100, severity: 'warning' });
    publish(1, 120, 'mem');
    publish(2, 150, 'mem');
    expect(states()).toEqual(['firing@1']);
    const [alert] = engine.active();
    expect(alert.value).toBe(150);
    expect(alert.at).toBe(events[0].at);
    expect(events[0].value).toBe(120);
    engine.addRule({
      id: 'slow',
      metric: 'mem',
      op: '>',
      threshold: 100,
      for: '1m',
      severity: 'warning',
    });
    publish(3, 160, 'mem');
    publish(4, 170, 'mem');
    expect(engine.pending().map((e) => e.value)).toEqual([170]);
  });

  it('fires at once without `for` and lists the alert as active until it resolves', () => {
    engine.addRule({ id: 'mem', metric: 'mem', op: '>=', threshold: 100, severity: 'critical' });
    publish(1, 100, 'mem');
    expect(states()).toEqual(['firing@1']);
    expect(engine.active()).toEqual([events[0]]);
    expect(events[0].severity).toBe('critical');
    publish(2, 99, 'mem');
    expect(states()).toEqual(['firing@1', 'resolved@2']);
    expect(engine.active()).toEqual([]);
  });

  describe('hysteresis', () => {
    const hovering = [0.95, 0.85, 0.89, 0.91, 0.86, 0.93, 0.82, 0.88];

    it('does not flap while the value hovers between clear and threshold', () => {
      engine.addRule({ id: 'cpu', metric: 'cpu', op: '>', threshold: 0.9, clear: 0.8 });
      hovering.forEach((v, i) => publish(i, v));
      expect(states()).toEqual(['firing@0']);
      publish(8, 0.8);
      expect(states()).toEqual(['firing@0', 'resolved@8']);
      expect(events[1].message).toBe('cpu: cpu = 0.8 <= 0.8');
      expect(events[1].threshold).toBe(0.9);
    });

    it('flaps on the same values without a clear threshold', () => {
      engine.addRule({ id: 'cpu', metric: 'cpu', op: '>', threshold: 0.9 });
      hovering.forEach((v, i) => publish(i, v));
      expect(events.filter((e) => e.state === 'firing')).toHaveLength(3);
    });

    it('mirrors for `<` rules', () => {
      engine.addRule({ id: 'free', metric: 'free', op: '<', threshold: 10, clear: 20 });
      [5, 15, 9, 19].forEach((v, i) => publish(i, v, 'free'));
      expect(states()).toEqual(['firing@0']);
      publish(4, 20, 'free');
      expect(states()).toEqual(['firing@0', 'resolved@4']);
    });

    it('resolves `>=` only below clear and `>` at clear', () => {
      engine.addRule({ id: 'ge', metric: 'ge', op: '>=', threshold: 10, clear: 5 });
      engine.addRule({ id: 'gt', metric: 'gt', op: '>', threshold: 10, clear: 5 });
      for (const name of ['ge', 'gt']) {
        publish(0, 11, name);
        publish(1, 5, name);
      }
      expect(events.map((e) => `${e.ruleId}:${e.state}`)).toEqual([
        'ge:firing',
        'gt:firing',
        'gt:resolved',
      ]);
    });
  });

  describe('cooldown', () => {
    it('holds a new firing back until the cooldown has passed', () => {
      engine.addRule({ id: 'cpu', metric: 'cpu', op: '>', threshold: 0.9, cooldown: '60s' });
      publish(0, 0.95);
      publish(10, 0.5);
      publish(20, 0.95);
      publish(50, 0.95);
      expect(states()).toEqual(['firing@0', 'resolved@10', 'pending@20']);
      publish(60, 0.95);
      expect(states()).toEqual(['firing@0', 'resolved@10', 'pending@20', 'firing@60']);
      expect(events[3].since).toBe(20_000);
    });

    it('drops the held-back alert when the condition ends first', () => {
      engine.addRule({ id: 'cpu', metric: 'cpu', op: '>', threshold: 0.9, cooldown: 60_000 });
      publish(0, 0.95);
      publish(10, 0.5);
      publish(20, 0.95);
      publish(30, 0.5);
      publish(40, 0.95);
      publish(50, 0.5);
      expect(states()).toEqual(['firing@0', 'resolved@10', 'pending@20', 'pending@40']);
      // The cooldown still counts from the first firing once the pending alerts are gone.
      publish(59, 0.95);
      publish(60, 0.95);
      expect(states()).toEqual([
        'firing@0',
        'resolved@10',
        'pending@20',
        'pending@40',
        'pending@59',
        'firing@60',
      ]);
      // Past the cooldown, with nothing pending, the series is forgotten and fires at once.
      publish(70, 0.5);
      publish(200, 0.5);
      publish(210, 0.95);
      expect(states().slice(-2)).toEqual(['resolved@70', 'firing@210']);
    });
  });

  describe('labels', () => {
    const fs = (at: number, root: number, data: number) =>
      stream.publish({
        source: 'test',
        at: at * 1000,
        samples: [
          { name: 'disk', value: root, labels: { mountpoint: '/', device: 'sda1' } },
          { name: 'disk', value: data, labels: { device: 'sdb1', mountpoint: '/data' } },
        ],
      });

    it('only watches series whose labels include the rule labels', () => {
      engine.addRule({
        id: 'root',
        metric: 'disk',
        labels: { mountpoint: '/' },
        op: '>',
        threshold: 0.85,
      });
      fs(0, 0.9, 0.99);
      expect(events).toHaveLength(1);
      expect(events[0].labels).toEqual({ mountpoint: '/', device: 'sda1' });
      expect(events[0].message).toBe('root: disk{mountpoint="/",device="sda1"} = 0.9 > 0.85');
    });

    it('tracks each series of a rule on its own', () => {
      engine.addRule({ id: 'any', metric: 'disk', op: '>', threshold: 0.85, summary: 'Disk full' });
      fs(0, 0.9, 0.5);
      fs(1, 0.9, 0.9);
      fs(2, 0.5, 0.9);
      expect(events.map((e) => `${e.state}:${e.labels.mountpoint}@${e.at / 1000}`)).toEqual([
        'firing:/@0',
        'firing:/data@1',
        'resolved:/@2',
      ]);
      expect(engine.active().map((e) => e.labels.mountpoint)).toEqual(['/data']);
      expect(events[0].message.startsWith('Disk full: disk{')).toBe(true);
    });
  });

  describe('relativeTo', () => {
    beforeEach(() => {
      engine.addRule({
        id: 'rss',
        metric: 'rss',
        op: '>',
        threshold: 0.8,
        clear: 0.7,
        relativeTo: { metric: 'limit', labels: { kind: 'cgroup' } },
      });
    });

    const both = (at: number, rss: number, limit?: number) =>
      stream.publish({
        source: 'test',
        at: at * 1000,
        samples: [
          ...(limit === undefined
            ? []
            : [{ name: 'limit', value: limit, labels: { kind: 'cgroup' } }]),
          { name: 'rss', value: rss },
        ],
      });

    it('compares against a ratio of the other series latest value', () => {
      both(0, 790, 1000);
      both(1, 810);
      both(2, 750);
      both(3, 700);
      expect(states()).toEqual(['firing@1', 'resolved@3']);
      expect(events[0]).toMatchObject({ value: 810, threshold: 800 });
      expect(events[0].message).toBe('rss: rss = 810 > 800');
      expect(events[1].message).toBe('rss: rss = 700 <= 700');
    });

    it('follows the other series as it changes', () => {
      both(0, 1500, 2000);
      both(1, 1500, 1500);
      expect(states()).toEqual(['firing@1']);
    });

    it('skips evaluation while the other series is unknown or not positive', () => {
      both(0, 5000);
      both(1, 5000, 0);
      both(2, 5000, -1);
      expect(events).toEqual([]);
      both(3, 5000, 6000);
      expect(states()).toEqual(['firing@3']);
    });
  });

  describe('while running', () => {
    it('evaluates a rule added mid-stream from the next batch on', () => {
      publish(0, 0.95);
      engine.addRule({ id: 'cpu', metric: 'cpu', op: '>', threshold: 0.9 });
      publish(1, 0.95);
      expect(states()).toEqual(['firing@1']);
    });

    it('resolves the firing series of a removed rule', () => {
      engine.addRule({ id: 'cpu', metric: 'cpu', op: '>', threshold: 0.9 });
      publish(0, 0.95);
      publish(5, 0.97);
      expect(engine.removeRule('cpu')).toBe(true);
      expect(states()).toEqual(['firing@0', 'resolved@5']);
      expect(events[1].message).toBe('cpu: cpu = 0.97 > 0.9 (rule removed)');
      expect(engine.active()).toEqual([]);
      expect(engine.rules()).toEqual([]);
      publish(6, 0.99);
      expect(events).toHaveLength(2);
      expect(engine.removeRule('cpu')).toBe(false);
    });

    it('replaces a rule with the same id and starts its state afresh', () => {
      engine.addRule({ id: 'cpu', metric: 'cpu', op: '>', threshold: 0.9 });
      publish(0, 0.95);
      const rule = engine.addRule({ id: 'cpu', metric: 'cpu', op: '>', threshold: 0.9, for: '1m' });
      expect(rule.for).toBe(60_000);
      expect(engine.rules()).toEqual([rule]);
      publish(1, 0.95);
      publish(61, 0.95);
      expect(states()).toEqual(['firing@0', 'resolved@0', 'pending@1', 'firing@61']);
    });

    it('lets a subscriber remove the rule that just fired', () => {
      engine.addRule({ id: 'once', metric: 'cpu', op: '>', threshold: 0.9 });
      subs.push(
        engine.alerts$.subscribe((e) => {
          if (e.state === 'firing') engine.removeRule(e.ruleId);
        }),
      );
      stream.publish({
        source: 'test',
        at: 0,
        samples: [
          { name: 'cpu', value: 0.95, labels: { core: '0' } },
          { name: 'cpu', value: 0.95, labels: { core: '1' } },
        ],
      });
      expect(states()).toEqual(['firing@0', 'resolved@0']);
    });

    it('stops evaluating a rule removed in the middle of a batch', () => {
      engine.addRule({ id: 'first', metric: 'cpu', op: '>', threshold: 0.9 });
      engine.addRule({ id: 'second', metric: 'cpu', op: '>', threshold: 0.5 });
      subs.push(
        engine.alerts$.subscribe((e) => {
          if (e.ruleId === 'first') engine.removeRule('second');
        }),
      );
      publish(0, 0.95);
      expect(events.map((e) => `${e.ruleId}:${e.state}`)).toEqual(['first:firing']);
      expect(engine.rules().map((r) => r.id)).toEqual(['first']);
    });

    it('does not evaluate rules of other metrics', () => {
      engine.addRule({
        id: 'mem',
        metric: 'mem',
        op: '>',
        threshold: 1,
        relativeTo: { metric: 'limit' },
      });
      const lookups = jest.spyOn(stream, 'latestNumber');
      hold(0, 100, 5);
      expect(lookups).not.toHaveBeenCalled();
    });
  });

  it('resolves a firing alert whose series stops reporting, after five minutes without data', () => {
    engine.addRule({ id: 'disk-full', metric: 'disk_used', op: '>', threshold: 0.9 });
    publish(0, 0.95, 'disk_used', { mount: '/data' });
    publish(0, 0.5, 'disk_used', { mount: '/' });
    expect(states()).toEqual(['firing@0']);
    // /data is unmounted: only / keeps reporting.
    for (let t = 5; t <= 300; t += 5) publish(t, 0.5, 'disk_used', { mount: '/' });
    expect(engine.active()).toHaveLength(1);
    for (let t = 305; t <= 310; t += 5) publish(t, 0.5, 'disk_used', { mount: '/' });
    expect(states()).toEqual(['firing@0', 'resolved@305']);
    expect(events[1]).toMatchObject({ labels: { mount: '/data' } });
    expect(events[1].message).toContain('no data for 305s: the series stopped reporting');
    expect(engine.active()).toEqual([]);
    // It fires afresh if the series comes back over the line.
    publish(320, 0.97, 'disk_used', { mount: '/data' });
    expect(states()).toEqual(['firing@0', 'resolved@305', 'firing@320']);
  });

  it('never treats a series that keeps reporting as stale, however long it fires', () => {
    engine.addRule({ id: 'hot', metric: 'cpu', op: '>', threshold: 0.9 });
    hold(0, 3600, 0.95);
    expect(states()).toEqual(['firing@0']);
  });

  it('keeps the last 500 transitions for recent()', () => {
    engine.addRule({ id: 'cpu', metric: 'cpu', op: '>', threshold: 0.9 });
    for (let t = 0; t < 600; t++) publish(t, t % 2 === 0 ? 1 : 0);
    expect(engine.recent()).toHaveLength(500);
    expect(engine.recent(2).map((e) => `${e.state}@${e.at / 1000}`)).toEqual([
      'firing@598',
      'resolved@599',
    ]);
    expect(engine.recent(0)).toEqual([]);
  });

  describe('invalid rules', () => {
    const cases: [string, unknown, RegExp][] = [
      ['no id', { metric: 'cpu', op: '>', threshold: 1 }, /^alert rule: needs an id/],
      ['no metric', { id: 'a', op: '>', threshold: 1 }, /^alert rule "a": needs a metric name/],
      [
        'bad op',
        { id: 'a', metric: 'cpu', op: '=>', threshold: 1 },
        /op must be one of > >= < <= \(got "=>"\)/,
      ],
      [
        'NaN threshold',
        { id: 'a', metric: 'cpu', op: '>', threshold: NaN },
        /threshold must be a finite number/,
      ],
      [
        'string threshold',
        { id: 'a', metric: 'cpu', op: '>', threshold: '80%' },
        /threshold must be a finite number \(got "80%"\)/,
      ],
      [
        'bad for',
        { id: 'a', metric: 'cpu', op: '>', threshold: 1, for: '30 parsecs' },
        /^alert rule "a": for: invalid duration "30 parsecs"/,
      ],
      [
        'negative cooldown',
        { id: 'a', metric: 'cpu', op: '>', threshold: 1, cooldown: -5 },
        /cooldown: invalid duration -5/,
      ],
      [
        'clear past threshold',
        { id: 'a', metric: 'cpu', op: '>', threshold: 1, clear: 2 },
        /clear \(2\) must be at or below the threshold \(1\)/,
      ],
      [
        'bad severity',
        { id: 'a', metric: 'cpu', op: '>', threshold: 1, severity: 'fatal' },
        /severity must be one of info, warning, critical/,
      ],
      [
        'bad labels',
        { id: 'a', metric: 'cpu', op: '>', threshold: 1, labels: { core: 0 } },
        /labels\.core must be a string/,
      ],
      [
        'bad relativeTo',
        { id: 'a', metric: 'cpu', op: '>', threshold: 1, relativeTo: {} },
        /relativeTo needs a metric name/,
      ],
    ];

    it.each(cases)('rejects %s with a one-line ERR_INVALID_ARGUMENT', (_, input, message) => {
      let error: unknown;
      try {
        engine.addRule(input as never);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: 'VitalsError', code: 'ERR_INVALID_ARGUMENT' });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      expect(engine.rules()).toEqual([]);
    });

    it('applies defaults and parses durations', () => {
      const rule = engine.addRule({
        id: 'a',
        metric: 'cpu',
        op: '<=',
        threshold: 1,
        cooldown: '1m30s',
      });
      expect(rule).toEqual({
        id: 'a',
        metric: 'cpu',
        op: '<=',
        threshold: 1,
        for: 0,
        cooldown: 90_000,
        severity: 'warning',
      });
      expect(Object.isFrozen(rule)).toBe(true);
    });
  });
});
