import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { isVitalsError } from '../errors';
import { loadConfig, validateConfig } from './config.loader';
import { schemas, z } from './schemas';

// Fuzzing of the config loader (issue 11), bounded for CI: any file text, any values, any
// VITALS_* variables give a config or one-line problems, never a crash or a stack trace.
const RUNS = { numRuns: 200 };
const section = {
  name: 'monitor',
  schema: z.strictObject({
    intervalMs: schemas.duration('1s', { min: '100ms', max: '1h' }),
    maxMemory: schemas.bytes(undefined, { min: '16M' }).optional(),
    limit: schemas.count({ min: 1, max: 100 }).default(10),
  }),
};
const key = fc.constantFrom(
  'http',
  'history',
  'thresholds',
  'monitor',
  'startTimeoutMs',
  'port',
  'token',
  'intervalMs',
  'maxMemory',
  'limit',
  'maxConnections',
  '__proto__',
  'constructor',
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue(),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  ),
})).node;

function oneLineProblems(values: Record<string, unknown>): void {
  const result = validateConfig({ values, file: '/x/vitals.config.json' }, [section]);
  for (const p of result.problems) {
    expect(p.message).not.toContain('\n');
    expect(p.message).not.toMatch(/\bat .*\.(ts|js):\d+/);
  }
}

describe('config loader (fuzz)', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vitals-cfg-fuzz-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('validateConfig never throws and gives one-line problems, for any values', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (values) => oneLineProblems(values)),
      RUNS,
    );
  });

  it('loadConfig reads any file text as a config or a one-line ERR_CONFIG_FILE', () => {
    const file = path.join(dir, 'vitals.config.json');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.json()), (text) => {
        fs.writeFileSync(file, text);
        try {
          const loaded = loadConfig({ cwd: dir });
          oneLineProblems(loaded.values);
        } catch (error) {
          expect(isVitalsError(error, 'ERR_CONFIG_FILE')).toBe(true);
          expect((error as Error).message).not.toContain('\n');
        }
      }),
      RUNS,
    );
  });

  it('any VITALS_* variables give a config or one-line problems', () => {
    const name = fc
      .array(
        fc.constantFrom('HTTP', 'PORT', 'TOKEN', 'MONITOR', 'INTERVAL_MS', '', 'X', '__PROTO__'),
        {
          minLength: 1,
          maxLength: 3,
        },
      )
      .map((parts) => `VITALS_${parts.join('__')}`);
    fc.assert(
      fc.property(fc.dictionary(name, fc.string({ maxLength: 30 }), { maxKeys: 4 }), (env) => {
        const loaded = loadConfig({ cwd: '/nonexistent-vitals-dir', env });
        oneLineProblems(loaded.values);
      }),
      RUNS,
    );
  });
});
