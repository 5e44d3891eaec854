import { prettyLine } from './host.logger';

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
