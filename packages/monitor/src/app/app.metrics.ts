import { performance } from 'node:perf_hooks';
import { Histogram, METRICS, VitalsError, seriesKey } from '@vitals/core';
import type { Collector, Labels, MetricDescriptor, Sample } from '@vitals/core';
import { APP_DESCRIPTORS, MONITOR_METRICS } from '../monitor.metrics';

/** A counter of business events (orders placed, API errors). */
export interface AppCounter {
  /** Adds `n` (≥ 0). @default 1 */
  inc(n?: number): void;
  readonly value: number;
}

/** A gauge (queue depth, open positions). */
export interface AppGauge {
  set(value: number): void;
  inc(n?: number): void;
  dec(n?: number): void;
  readonly value: number;
}

interface Op {
  readonly histogram: Histogram;
  readonly labels: Labels;
  /** Longest observation since the last collection. */
  windowMax: number;
}

interface Scalar {
  readonly name: string;
  readonly labels?: Labels;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Application metrics: `timer`/`track` record operation latency into histograms
 * (`vitals_operation_duration_seconds{operation}`, with p50/p90/p99 of recent calls and the
 * longest call since the previous tick, on which the `operation-slow` rule fires), and counters
 * and gauges for business events. It is a collector: the scheduler publishes it every tick.
 *
 * @example
 * const stop = app.timer('order.submit'); await submit(); stop();
 * await app.track('exchange.quote', () => fetchQuote());
 * app.counter('orders_placed_total', { side: 'buy' }).inc();
 */
export class AppMetrics implements Collector {
  readonly name = 'app';
  private readonly ops = new Map<string, Op>();
  private readonly scalars = new Map<string, Scalar>();
  private readonly declared: MetricDescriptor[] = [...APP_DESCRIPTORS];

  constructor(
    private readonly buckets?: readonly number[],
    /** Declares counters' and gauges' descriptors (the host's registry); called once per name. */
    private readonly declare?: (d: MetricDescriptor) => void,
  ) {}

  /** Every metric this collector emits, including counters and gauges created so far. */
  get descriptors(): readonly MetricDescriptor[] {
    return this.declared;
  }

  /**
   * Starts timing `operation`; call the returned function when it ends (it returns the seconds).
   * @example const end = app.timer('db.query', { table: 'orders' }); …; end();
   */
  timer(operation: string, labels?: Labels): () => number {
    const op = this.op(operation, labels);
    const started = performance.now();
    let done = false;
    return () => {
      const seconds = (performance.now() - started) / 1000;
      if (!done) {
        done = true;
        op.histogram.observe(seconds);
        if (seconds > op.windowMax) op.windowMax = seconds;
      }
      return seconds;
    };
  }

  /** Times `fn` (sync or async); failures are timed too, then rethrown. */
  track<T>(operation: string, fn: () => T, labels?: Labels): T {
    const end = this.timer(operation, labels);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      end();
      throw error;
    }
    if (result && typeof (result as { then?: unknown }).then === 'function') {
      return (result as unknown as Promise<unknown>).finally(end) as T;
    }
    end();
    return result;
  }

  /** The counter `name` with `labels` (created on first use). */
  counter(name: string, labels?: Labels, help = `Application counter ${name}`): AppCounter {
    const s = this.scalar(name, labels, 'counter', help);
    return {
      inc: (n = 1) => {
        if (!(n >= 0))
          throw new VitalsError(
            'ERR_INVALID_ARGUMENT',
            `counter ${name} can only go up (inc(${n}))`,
          );
        s.value += n;
      },
      get value() {
        return s.value;
      },
    };
  }

  /** The gauge `name` with `labels` (created on first use). */
  gauge(name: string, labels?: Labels, help = `Application gauge ${name}`): AppGauge {
    const s = this.scalar(name, labels, 'gauge', help);
    return {
      set: (v) => void (s.value = v),
      inc: (n = 1) => void (s.value += n),
      dec: (n = 1) => void (s.value -= n),
      get value() {
        return s.value;
      },
    };
  }

  collect(): Sample[] {
    const out: Sample[] = [];
    for (const op of this.ops.values()) {
      const snap = op.histogram.snapshot();
      out.push(...op.histogram.toSamples(METRICS.operationDuration, op.labels));
      if (snap.count > 0) {
        out.push(
          { name: MONITOR_METRICS.operationP50, value: snap.p50, labels: op.labels },
          { name: MONITOR_METRICS.operationP90, value: snap.p90, labels: op.labels },
          { name: MONITOR_METRICS.operationP99, value: snap.p99, labels: op.labels },
        );
      }
      out.push({ name: MONITOR_METRICS.operationMax, value: op.windowMax, labels: op.labels });
      op.windowMax = 0;
    }
    for (const s of this.scalars.values())
      out.push({ name: s.name, value: s.value, labels: s.labels });
    return out;
  }

  private op(operation: string, labels?: Labels): Op {
    if (typeof operation !== 'string' || operation === '') {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        'timer() needs an operation name, e.g. timer("order.submit")',
      );
    }
    const all = { ...labels, operation };
    const key = seriesKey('op', all);
    let op = this.ops.get(key);
    if (!op)
      this.ops.set(
        key,
        (op = { histogram: new Histogram(this.buckets), labels: Object.freeze(all), windowMax: 0 }),
      );
    return op;
  }

  private scalar(
    name: string,
    labels: Labels | undefined,
    type: 'counter' | 'gauge',
    help: string,
  ): Scalar {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new VitalsError(
        'ERR_INVALID_ARGUMENT',
        `metric name ${JSON.stringify(name)} is not valid: use letters, digits and _ (e.g. orders_placed_total)`,
      );
    }
    const key = seriesKey(name, labels);
    let s = this.scalars.get(key);
    if (!s) {
      if (!this.declared.some((d) => d.name === name)) {
        const d: MetricDescriptor = {
          name,
          help,
          type,
          unit: 'count',
          labelNames: Object.keys(labels ?? {}),
        };
        this.declare?.(d);
        this.declared.push(d);
      }
      this.scalars.set(
        key,
        (s = { name, labels: labels && Object.freeze({ ...labels }), value: 0 }),
      );
    }
    return s;
  }
}
