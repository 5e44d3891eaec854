import { visible } from './format';

describe('visible', () => {
  it('writes control and bidi characters as escapes and leaves other text alone', () => {
    expect(visible('a\u001b[31mb\u0007')).toBe('a\\x1b[31mb\\x07');
    expect(visible('\u202eLIAF\u202c \u2066x\u2069 \u200f')).toBe(
      '\\u202eLIAF\\u202c \\u2066x\\u2069 \\u200f',
    );
    expect(visible('\u0000\u007f\u009b')).toBe('\\x00\\x7f\\x9b');
    const plain = 'línea 1\tcol\nlínea 2 <b>ok</b> 東京 🙂';
    expect(visible(plain)).toBe(plain);
  });
});
