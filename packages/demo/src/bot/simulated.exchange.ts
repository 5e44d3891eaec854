/** One side of an order. */
export type Side = 'buy' | 'sell';

/** A price level of the order book: price in ticks (1 tick = 0.01), size in lots. */
export class BookLevel {
  constructor(
    readonly priceTicks: number,
    readonly lots: number,
  ) {}
}

/** A quote: best bid and ask (ticks) and the book's top levels on each side. */
export interface Quote {
  readonly symbol: string;
  readonly bidTicks: number;
  readonly askTicks: number;
  readonly book: readonly BookLevel[];
}

/** An order sent to the exchange. */
export interface OrderRequest {
  readonly id: number;
  readonly symbol: string;
  readonly side: Side;
  readonly lots: number;
}

/** The exchange's answer: filled at a price (ticks), or rejected with a reason. */
export type Execution =
  | { readonly status: 'filled'; readonly priceTicks: number; readonly at: number }
  | { readonly status: 'rejected'; readonly reason: string; readonly at: number };

/** Options of {@link SimulatedExchange}. */
export interface ExchangeOptions {
  /** Round-trip latency range of one request, ms. @default [5, 40] */
  readonly latencyMs?: readonly [number, number];
  /** Fraction of orders rejected (0..1). @default 0.02 */
  readonly rejectRatio?: number;
  /** Book levels per side in a quote. @default 10 */
  readonly depth?: number;
  /** Random source in [0, 1) (tests pass a seeded one). @default Math.random */
  readonly random?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An exchange that lives in memory: a random-walk price, quotes with a book of `depth` levels,
 * and fills after a random latency. Nothing leaves the process.
 * @example const ex = new SimulatedExchange(); const q = await ex.quote('BTC-USD');
 */
export class SimulatedExchange {
  private midTicks = 5_000_000;
  private readonly latency: readonly [number, number];
  private readonly rejectRatio: number;
  private readonly depth: number;
  private readonly random: () => number;

  constructor(options: ExchangeOptions = {}) {
    this.latency = options.latencyMs ?? [5, 40];
    this.rejectRatio = options.rejectRatio ?? 0.02;
    this.depth = options.depth ?? 10;
    this.random = options.random ?? Math.random;
  }

  /** The current quote, after one request's latency. */
  async quote(symbol: string): Promise<Quote> {
    await sleep(this.delay());
    this.midTicks += Math.round((this.random() - 0.5) * 200);
    const book: BookLevel[] = [];
    for (let i = 1; i <= this.depth; i++) {
      book.push(new BookLevel(this.midTicks - i * 5, 1 + Math.floor(this.random() * 50)));
      book.push(new BookLevel(this.midTicks + i * 5, 1 + Math.floor(this.random() * 50)));
    }
    return { symbol, bidTicks: this.midTicks - 5, askTicks: this.midTicks + 5, book };
  }

  /** Sends an order; fills at the touch with a little slippage, or rejects a few. */
  async submit(order: OrderRequest): Promise<Execution> {
    await sleep(this.delay());
    if (this.random() < this.rejectRatio)
      return { status: 'rejected', reason: 'insufficient liquidity', at: Date.now() };
    const slip = Math.floor(this.random() * 3);
    const priceTicks = order.side === 'buy' ? this.midTicks + 5 + slip : this.midTicks - 5 - slip;
    return { status: 'filled', priceTicks, at: Date.now() };
  }

  private delay(): number {
    const [lo, hi] = this.latency;
    return lo + this.random() * (hi - lo);
  }
}
