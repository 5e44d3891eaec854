import fc from 'fast-check';
import { escapeControl } from './escape-control';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('escapeControl (fuzz)', () => {
  it('never lets a control character through, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(UNSAFE.test(escapeControl(text))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
