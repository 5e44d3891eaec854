// The demo bot's entry point: `node packages/demo/dist/bot/main.js [options]` (see BOT_USAGE).
// An entry point, so it alone reads process.argv, handles signals and sets the exit code.
import { AppMetrics } from '@vitals/monitor';
import { OrderHistory, levelsPerOrder } from './order.history';
import { BOT_USAGE, BotUsageError, parseBotOptions } from './bot.options';
import { statusLine } from './bot.status';
import { SimulatedExchange } from './simulated.exchange';
import { TradingBot } from './trading.bot';

function main(): void {
  let options;
  try {
    options = parseBotOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BotUsageError)) throw error;
    process.stderr.write(`bot: ${error.message}\n`);
    process.exit(64);
  }
  if (options === 'help') {
    process.stdout.write(BOT_USAGE);
    return;
  }
  const metrics = new AppMetrics();
  const levels = levelsPerOrder(options.leakPerMinute, options.ordersPerSecond);
  const bot = new TradingBot(new SimulatedExchange(), metrics, new OrderHistory(levels));
  const leak =
    levels === 0 ? 'no leak' : `leak on: ~${(options.leakPerMinute / 1048576).toFixed(1)} MiB/min`;
  process.stdout.write(
    `bot: trading BTC-USD at ${options.ordersPerSecond} orders/s against a simulated exchange (${leak}, pid ${process.pid})\n`,
  );

  let inFlight = 0;
  const loop = setInterval(() => {
    // A slow exchange must not pile up requests: at most 20 steps in flight.
    if (inFlight >= 20) return;
    inFlight++;
    bot.step().then(
      () => inFlight--,
      (error: unknown) => {
        inFlight--;
        process.stderr.write(`bot: step failed: ${(error as Error).message}\n`);
      },
    );
  }, 1000 / options.ordersPerSecond);
  const status =
    options.statusEveryMs > 0
      ? setInterval(
          () => process.stdout.write(statusLine(bot, metrics) + '\n'),
          options.statusEveryMs,
        )
      : undefined;
  if (options.crashAfterMs !== undefined) {
    setTimeout(() => {
      throw new Error('simulated crash: lost the exchange connection');
    }, options.crashAfterMs).unref();
  }
  const stop = (signal: NodeJS.Signals) => {
    clearInterval(loop);
    if (status) clearInterval(status);
    process.stdout.write(`${statusLine(bot, metrics)}\nbot: ${signal}, stopped\n`);
    // In-flight steps end on their own timers; nothing else keeps the loop alive.
    process.exitCode = 0;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
