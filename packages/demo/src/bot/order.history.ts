import { BookLevel } from './simulated.exchange';
import type { Execution, OrderRequest, Quote } from './simulated.exchange';

/** One order as the bot remembers it, with the book it saw when it decided. */
export class OrderRecord {
  constructor(
    readonly order: OrderRequest,
    readonly execution: Execution,
    /** Copy of the book at decision time: the deliberate leak keeps these forever. */
    readonly bookCopy: readonly BookLevel[],
  ) {}
}

/** Approximate retained bytes per copied BookLevel (object header + 2 fields + array slot). */
export const BYTES_PER_LEVEL = 48;

/**
 * The demo's deliberate leak: an audit history that keeps every order with a copy of the book
 * (`leakLevelsPerOrder` BookLevel objects each) and is never trimmed. With `leakLevelsPerOrder`
 * 0 it keeps the last `keep` orders only, like a healthy bounded buffer.
 */
export class OrderHistory {
  private readonly records: OrderRecord[] = [];

  constructor(
    private readonly leakLevelsPerOrder: number,
    private readonly keep = 500,
  ) {}

  /** Records an order; trims only when the leak is off. */
  add(order: OrderRequest, execution: Execution, quote: Quote): void {
    const copy: BookLevel[] = [];
    for (let i = 0; i < this.leakLevelsPerOrder; i++) {
      const level = quote.book[i % quote.book.length];
      copy.push(new BookLevel(level.priceTicks, level.lots));
    }
    this.records.push(new OrderRecord(order, execution, copy));
    if (this.leakLevelsPerOrder === 0 && this.records.length > this.keep) this.records.shift();
  }

  /** Orders held. */
  get size(): number {
    return this.records.length;
  }
}

/**
 * BookLevel copies per order that retain about `bytesPerMinute` at `ordersPerSecond`.
 * @example levelsPerOrder(5 * 1024 * 1024, 20) // ≈ 91
 */
export function levelsPerOrder(bytesPerMinute: number, ordersPerSecond: number): number {
  if (bytesPerMinute <= 0) return 0;
  return Math.max(1, Math.round(bytesPerMinute / 60 / ordersPerSecond / BYTES_PER_LEVEL));
}
