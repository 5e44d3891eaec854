import { matchLabels } from './labels';

describe('matchLabels', () => {
  it('matches a subset of labels, and an empty matcher value only where the label is absent or empty (PromQL)', () => {
    expect(matchLabels({ kind: 'heap', service: 'api' }, { kind: 'heap' })).toBe(true);
    expect(matchLabels({ kind: 'heap' }, { kind: 'heap', service: '' })).toBe(true);
    expect(matchLabels(undefined, { service: '' })).toBe(true);
    expect(matchLabels({ kind: 'heap', service: 'api' }, { kind: 'heap', service: '' })).toBe(
      false,
    );
    expect(matchLabels({ kind: 'external' }, { kind: 'heap' })).toBe(false);
  });
});
