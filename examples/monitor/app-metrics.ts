import { createHost } from '@vitals/core';
import { MONITOR, monitorPlugin } from '@vitals/monitor';

/** Stands in for your exchange client: a quote after some latency. */
async function fetchQuote(): Promise<{ bid: number; ask: number }> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { bid: 99.5, ask: 100.5 };
}

async function main(): Promise<void> {
  const host = createHost({
    plugins: [
      monitorPlugin({
        intervalMs: '1s',
        // Alert transitions are POSTed as JSON; a receiver of yours (down here: logged, not fatal).
        alerts: { webhook: { url: 'http://127.0.0.1:9/vitals-alerts' } },
      }),
    ],
    config: { thresholds: { memoryUsedRatio: 0.85 } },
  });
  await host.start(); // first tick now, then every second
  const monitor = host.resolve(MONITOR);
  monitor.onAlert((e) => console.log(e.state, e.message));
  const quote = await monitor.track('exchange.quote', () => fetchQuote()); // latency histogram
  monitor.counter('orders_placed_total', { side: 'buy' }).inc();
  await monitor.tick();
  const slope = monitor.trend('process_resident_memory_bytes', '10m').slopePerHour; // bytes/h
  console.log(`quote ${quote.bid}/${quote.ask}; RSS trend ${Math.round(slope)} B/h`);
  await host.stop();
}

void main();
