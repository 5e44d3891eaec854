import { memoryProfile } from '@vitals/memory';
import type { AppMetrics } from '@vitals/monitor';
import { OrderHistory } from './order.history';
import type { Execution, Quote, SimulatedExchange, Side } from './simulated.exchange';

/** What one trading step did. */
export interface StepResult {
  readonly side: Side | undefined;
  readonly execution: Execution | undefined;
}

/**
 * A toy momentum strategy: it quotes, compares the mid price with a short moving average, and
 * buys above it or sells below it. `order.submit` and `exchange.quote` are timed with the monitor's
 * app metrics; `step` and `decide` are profiled with `@memoryProfile` (duration, heap delta, GCs).
 */
export class TradingBot {
  private readonly mids: number[] = [];
  private nextId = 1;
  filled = 0;
  rejected = 0;

  constructor(
    private readonly exchange: SimulatedExchange,
    private readonly metrics: AppMetrics,
    readonly history: OrderHistory,
    private readonly symbol = 'BTC-USD',
  ) {}

  /** One quote → decision → order round trip. */
  @memoryProfile()
  async step(): Promise<StepResult> {
    const quote = await this.metrics.track('exchange.quote', () =>
      this.exchange.quote(this.symbol),
    );
    const side = this.decide(quote);
    if (!side) return { side, execution: undefined };
    const order = { id: this.nextId++, symbol: this.symbol, side, lots: 1 };
    const end = this.metrics.timer('order.submit');
    const execution = await this.exchange.submit(order);
    end();
    if (execution.status === 'filled') this.filled++;
    else this.rejected++;
    this.metrics.counter('demo_orders_total', { status: execution.status }).inc();
    this.history.add(order, execution, quote);
    return { side, execution };
  }

  /** Buy above the 20-quote moving average, sell below, nothing on the line. */
  @memoryProfile()
  decide(quote: Quote): Side | undefined {
    const mid = (quote.bidTicks + quote.askTicks) / 2;
    this.mids.push(mid);
    if (this.mids.length > 20) this.mids.shift();
    const average = this.mids.reduce((a, b) => a + b, 0) / this.mids.length;
    if (mid > average) return 'buy';
    if (mid < average) return 'sell';
    return this.mids.length === 1 ? 'buy' : undefined;
  }
}
