import fc from 'fast-check';
import { escapeControl } from './control.escape';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeControl', () => {
  it('shows a forged row, a screen clear and a bidi override as visible escapes', () => {
    expect(escapeControl('node bot.js\n  4242 root  sshd')).toBe('node bot.js\\n  4242 root  sshd');
    expect(escapeControl('x\x1b[2J\x1b[Hy')).toBe('x\\x1b[2J\\x1b[Hy');
    expect(escapeControl('a\tb\rc\0d\x7f\x9b')).toBe('a\\tb\\rc\\x00d\\x7f\\x9b');
    expect(escapeControl('evil\u202Egnp.js')).toBe('evil\\u{202E}gnp.js');
  });

  it('leaves printable text of any script unchanged', () => {
    expect(escapeControl('node /srv/ünïcode/日本語/💥.js --x="a b"')).toBe(
      'node /srv/ünïcode/日本語/💥.js --x="a b"',
    );
  });

  it('never lets a control character through, for any text (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(UNSAFE.test(escapeControl(text))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
