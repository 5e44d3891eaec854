import { getProfiles } from '@vitals/memory';
import { AppMetrics, MONITOR_METRICS } from '@vitals/monitor';
import { OrderHistory } from './order.history';
import { SimulatedExchange } from './simulated.exchange';
import { TradingBot } from './trading.bot';

describe('TradingBot', () => {
  it('trades, times order.submit and is profiled by @memoryProfile', async () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const exchange = new SimulatedExchange({ latencyMs: [0, 1], rejectRatio: 0, random });
    const metrics = new AppMetrics();
    const bot = new TradingBot(exchange, metrics, new OrderHistory(2));
    for (let i = 0; i < 10; i++) await bot.step();
    expect(bot.filled).toBeGreaterThan(0);
    expect(bot.history.size).toBe(bot.filled);
    const p50 = metrics
      .collect()
      .find(
        (s) =>
          s.name === MONITOR_METRICS.operationP50 && s.labels?.['operation'] === 'order.submit',
      );
    expect(p50?.value).toBeGreaterThan(0);
    expect(getProfiles().find((p) => p.name === 'TradingBot.step')?.calls).toBe(10);
  });
});
