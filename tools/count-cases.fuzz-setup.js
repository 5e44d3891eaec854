// Loaded by tools/count-cases.js (jest --setupFilesAfterEnv) into the fuzz specs only: wraps
// fast-check's assert so every call adds its numRuns (its own, else the global, else fast-check's
// default of 100) to $COUNT_FUZZ_OUT, one number per line.
'use strict';
const { appendFileSync } = require('node:fs');
const fc = require('fast-check');

const original = fc.assert;
let runs = 0;
const counted = (property, params) => {
  runs += params?.numRuns ?? fc.readConfigureGlobal().numRuns ?? 100;
  return original(property, params);
};
// `import * as fc` reads the module's own `assert`; `import fc from 'fast-check'` reads
// `fc.default.assert`, a getter on an object of its own: that object is swapped for a proxy.
const saved = Object.getOwnPropertyDescriptor(fc, 'default');
fc.assert = counted;
if (fc.default && fc.default !== fc) {
  const inner = fc.default;
  Object.defineProperty(fc, 'default', {
    configurable: true,
    enumerable: true,
    value: new Proxy(inner, {
      get: (target, key) => (key === 'assert' ? counted : Reflect.get(target, key)),
    }),
  });
}
afterAll(() => {
  if (process.env.COUNT_FUZZ_OUT) appendFileSync(process.env.COUNT_FUZZ_OUT, `${runs}\n`);
  fc.assert = original;
  if (saved) Object.defineProperty(fc, 'default', saved);
});
