import { isVitalsError } from '@vitals/core';
import { parseSelector } from './series.selector';

describe('parseSelector', () => {
  it('reads a bare name and a name with labels, escapes included', () => {
    expect(parseSelector('process_resident_memory_bytes')).toEqual({
      name: 'process_resident_memory_bytes',
      labels: {},
    });
    expect(parseSelector('x{service="api", kind="he\\"ap\\\\"}')).toEqual({
      name: 'x',
      labels: { service: 'api', kind: 'he"ap\\' },
    });
    expect(parseSelector('x{}')).toEqual({ name: 'x', labels: {} });
  });

  it.each([
    ['', 'empty'],
    ['1abc', 'not a metric name'],
    ['a b', 'not a metric name'],
    ['x{a="1"', 'closing }'],
    ['x{a=1}', 'double quotes'],
    ['x{a="1",a="2"}', 'appears twice'],
    ['x{9a="1"}', 'not a label name'],
    ['x{a="1" b="2"}', 'commas'],
    ['x{a="\\n"}', 'escaped'],
    ['x{a="open}', 'not closed'],
    ['x'.repeat(600), 'longer than 512'],
  ])('refuses %j with a one-line reason (%s)', (text, why) => {
    let error: unknown;
    try {
      parseSelector(text);
    } catch (e) {
      error = e;
    }
    expect(isVitalsError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain(why);
    expect((error as Error).message).not.toContain('\n');
  });
});
