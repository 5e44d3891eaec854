import fc from 'fast-check';
import { parsePlainUnits, parseShow, parseUnitsJson } from './systemctl.parser';

// Fuzzing of the parsers of systemctl's output (issue 11), bounded for CI.
const RUNS = { numRuns: 200 };
const word = fc.stringMatching(/^[A-Za-z0-9@._:-]{1,20}$/);
const row = fc.record({
  unit: word,
  load: word,
  active: word,
  sub: word,
  description: fc.stringMatching(/^[^\n\r]{0,40}$/).map((s) => s.trim()),
});

describe('systemctl parsers (fuzz)', () => {
  it('parseUnitsJson never throws, whatever the text, and keeps only rows with a unit', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const rows = parseUnitsJson(text);
        if (rows) for (const r of rows) expect(typeof r.unit).toBe('string');
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.array(fc.anything()), (values) => {
        expect(() => parseUnitsJson(JSON.stringify(values) ?? '')).not.toThrow();
      }),
      RUNS,
    );
  });

  it('parseUnitsJson reads back what systemd writes', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 10 }), (rows) => {
        expect(parseUnitsJson(JSON.stringify(rows))).toEqual(rows);
      }),
      RUNS,
    );
  });

  it('parsePlainUnits never throws and reads back the plain table', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(Array.isArray(parsePlainUnits(text))).toBe(true);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 10 }), (rows) => {
        const text = rows
          .map((r) => `${r.unit} ${r.load}  ${r.active} ${r.sub}   ${r.description}`)
          .join('\n');
        const back = parsePlainUnits(text);
        // A unit named like the header word or a bullet is the one ambiguity of the format.
        const plain = rows.filter((r) => !/^[●*]/.test(r.unit) && r.unit !== 'UNIT');
        expect(back.filter((r) => plain.some((p) => p.unit === r.unit))).toEqual(
          plain.map((r) => ({ ...r })),
        );
      }),
      RUNS,
    );
  });

  it('parseShow reads back Key=Value lines, keys such as __proto__ included', () => {
    const key = fc.oneof(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
    );
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.stringMatching(/^[^\n]{0,30}$/), { maxKeys: 10 }),
        (pairs) => {
          const text = Object.entries(pairs)
            .map(([k, v]) => `${k}=${v}`)
            .join('\n');
          const parsed = parseShow(text);
          for (const [k, v] of Object.entries(pairs)) expect(parsed[k]).toBe(v);
          expect(Object.keys(parsed).sort()).toEqual(Object.keys(pairs).sort());
        },
      ),
      RUNS,
    );
  });
});
