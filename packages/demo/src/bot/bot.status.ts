import { getProfiles } from '@vitals/memory';
import { MONITOR_METRICS, type AppMetrics } from '@vitals/monitor';
import type { TradingBot } from './trading.bot';

const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;

/**
 * One status line: orders, `order.submit` p50/p99 from the app metrics (recent calls), the
 * history's size, and the `@memoryProfile` figures of `TradingBot.step`.
 * @example bot: 300 orders (294 filled, 6 rejected), order.submit p50 22.1 ms p99 39.0 ms, …
 */
export function statusLine(bot: TradingBot, metrics: AppMetrics): string {
  const samples = metrics.collect();
  const pick = (name: string) =>
    samples.find((s) => s.name === name && s.labels?.['operation'] === 'order.submit')?.value;
  const p50 = pick(MONITOR_METRICS.operationP50);
  const p99 = pick(MONITOR_METRICS.operationP99);
  const step = getProfiles().find((p) => p.name === 'TradingBot.step');
  const parts = [
    `bot: ${bot.filled + bot.rejected} orders (${bot.filled} filled, ${bot.rejected} rejected)`,
    p50 === undefined || p99 === undefined
      ? 'order.submit: no calls yet'
      : `order.submit p50 ${ms(p50)} p99 ${ms(p99)}`,
    `history ${bot.history.size} orders`,
  ];
  if (step)
    parts.push(
      `TradingBot.step ${step.calls} calls, p95 ${step.p95Ms.toFixed(1)} ms, mean heap delta ${(step.meanHeapDeltaBytes / 1024).toFixed(1)} KiB`,
    );
  return parts.join(', ');
}
