import { OrderHistory, levelsPerOrder } from './order.history';
import { BookLevel, type Quote } from './simulated.exchange';

const quote: Quote = {
  symbol: 'X',
  bidTicks: 99,
  askTicks: 101,
  book: [new BookLevel(99, 1), new BookLevel(101, 2)],
};
const filled = { status: 'filled', priceTicks: 101, at: 0 } as const;

describe('OrderHistory', () => {
  it('keeps every order when the leak is on', () => {
    const history = new OrderHistory(3, 2);
    for (let i = 0; i < 10; i++)
      history.add({ id: i, symbol: 'X', side: 'buy', lots: 1 }, filled, quote);
    expect(history.size).toBe(10);
  });

  it('is a bounded buffer when the leak is off', () => {
    const history = new OrderHistory(0, 2);
    for (let i = 0; i < 10; i++)
      history.add({ id: i, symbol: 'X', side: 'buy', lots: 1 }, filled, quote);
    expect(history.size).toBe(2);
  });
});

describe('levelsPerOrder', () => {
  it('spreads the rate over the orders', () => {
    expect(levelsPerOrder(0, 20)).toBe(0);
    expect(levelsPerOrder(6 * 1024 * 1024, 20)).toBe(109);
    expect(levelsPerOrder(1, 200)).toBe(1);
  });
});
