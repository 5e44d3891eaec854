import fc from 'fast-check';
import { escapeControl } from './escape-control';

describe('escapeControl', () => {
  it('shows newlines, carriage returns, escapes and C1 controls as escapes', () => {
    expect(escapeControl('bot.js\nFAKE ROW')).toBe('bot.js\\nFAKE ROW');
    expect(escapeControl('a\x1b[2Jb\rc\td\x00e\x7ff\x9bg')).toBe(
      'a\\x1b[2Jb\\rc\\td\\x00e\\x7ff\\x9bg',
    );
    expect(escapeControl('evil\u202etxt.js')).toBe('evil\\u202etxt.js');
  });

  it('keeps printable text as it is, and newlines when asked', () => {
    expect(escapeControl('node /srv/bøt/ünï.js --name "x y" C:\\path')).toBe(
      'node /srv/bøt/ünï.js --name "x y" C:\\path',
    );
    expect(escapeControl('a\nb\x1bc', { keepNewlines: true })).toBe('a\nb\\x1bc');
  });

  it('never lets a control character through, for any string (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const out = escapeControl(s);
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        // Text without controls comes out unchanged.
        // eslint-disable-next-line no-control-regex
        if (!/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(s))
          expect(out).toBe(s);
      }),
      { numRuns: 200 },
    );
  });
});
