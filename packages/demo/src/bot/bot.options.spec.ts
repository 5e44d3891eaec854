import { BotUsageError, parseBotOptions } from './bot.options';

describe('parseBotOptions', () => {
  it('defaults to 20 orders/s with a 6 MiB/min leak', () => {
    expect(parseBotOptions([])).toEqual({
      ordersPerSecond: 20,
      leakPerMinute: 6 * 1024 * 1024,
      crashAfterMs: undefined,
      statusEveryMs: 15_000,
    });
  });

  it('reads sizes and durations', () => {
    const o = parseBotOptions(['--leak', '0', '--crash-after', '3s', '--orders-per-second', '5']);
    expect(o).toMatchObject({ leakPerMinute: 0, crashAfterMs: 3000, ordersPerSecond: 5 });
  });

  it.each([
    [['--orders-per-second', '0'], /between 1 and 200/],
    [['--leak', 'lots'], /--leak: cannot read "lots"/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with one line', (argv, message) => {
    expect(() => parseBotOptions(argv)).toThrow(BotUsageError);
    expect(() => parseBotOptions(argv)).toThrow(message);
  });
});
