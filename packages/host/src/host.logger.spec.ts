import type { LogFn, Logger } from '@vitals/core';
import { lazyLogger, prettyLine } from './host.logger';

describe('prettyLine', () => {
  it('turns a pino JSON line into one readable line with the extra fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 10, 24, 12, 3, 4, 512),
      pid: 1,
      name: 'vitals',
      msg: 'child crashed',
      code: 7,
      err: { message: 'boom', stack: 'Error: boom\n at x' },
    });
    expect(prettyLine(line)).toBe('12:03:04.512 WARN  child crashed code=7 err="boom"\n');
  });

  it('passes through what is not JSON', () => {
    expect(prettyLine('plain text')).toBe('plain text');
  });
});

describe('lazyLogger', () => {
  function recording() {
    const lines: { level: string; bindings: Record<string, unknown>; args: unknown[] }[] = [];
    let made = 0;
    const real = (bindings: Record<string, unknown>): Logger => {
      const logger = {} as Logger;
      for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)
        logger[level] = ((...args: unknown[]) => lines.push({ level, bindings, args })) as LogFn;
      logger.child = (more) => real({ ...bindings, ...more });
      return logger;
    };
    return { lines, made: () => made, make: () => (made++, real({})) };
  }

  it('builds nothing for lines below its level, and the real logger once for the first line at it', () => {
    const r = recording();
    const logger = lazyLogger('warn', r.make);
    const child = logger.child({ service: 'api' });
    logger.info('quiet');
    child.debug({ a: 1 }, 'quiet too');
    expect(r.made()).toBe(0);
    child.warn({ rssBytes: 5 }, 'over the ceiling');
    logger.error('boom');
    child.warn('again');
    expect(r.made()).toBe(1);
    expect(r.lines).toEqual([
      { level: 'warn', bindings: { service: 'api' }, args: [{ rssBytes: 5 }, 'over the ceiling'] },
      { level: 'error', bindings: {}, args: ['boom'] },
      { level: 'warn', bindings: { service: 'api' }, args: ['again'] },
    ]);
  });
});
