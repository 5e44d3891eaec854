import {
  criticalAbsolute,
  criticalRatio,
  gradeAbsolute,
  grade,
  gradeAgainstLimit,
  gradeRatio,
  worse,
} from './severity.rules';

describe('severity rules', () => {
  it('puts a ratio critical half-way from the threshold to 100 %', () => {
    expect([criticalRatio(0.8), criticalRatio(0.85), criticalRatio(0.9)]).toEqual([
      0.9, 0.925, 0.95,
    ]);
    expect([0.79, 0.8, 0.89, 0.9].map((v) => gradeRatio(v, 0.8))).toEqual([
      'ok',
      'warning',
      'warning',
      'critical',
    ]);
  });

  it('puts an absolute figure critical at twice the threshold', () => {
    expect(criticalAbsolute(500)).toBe(1000);
    expect([499, 500, 999, 1000].map((v) => gradeAbsolute(v, 500))).toEqual([
      'ok',
      'warning',
      'warning',
      'critical',
    ]);
  });

  it('states the figure with the same lines it was graded against', () => {
    expect(grade(0.86, 0.8, 'ratio')).toEqual({
      severity: 'warning',
      figure: '86%; warning ≥ 80%, critical ≥ 90%',
    });
    expect(grade(120, 50, 'absolute', (n) => `${n} threads`)).toEqual({
      severity: 'critical',
      figure: '120 threads; warning ≥ 50 threads, critical ≥ 100 threads',
    });
  });

  it('grades a size against its limit: critical only above 100 %', () => {
    expect([0.79, 0.8, 1, 1.01].map((v) => gradeAgainstLimit(v, 0.8).severity)).toEqual([
      'ok',
      'warning',
      'warning',
      'critical',
    ]);
  });

  it('keeps the worse of two severities', () => {
    expect(worse('ok', 'warning')).toBe('warning');
    expect(worse('critical', 'info')).toBe('critical');
    expect(worse('info', 'ok')).toBe('info');
  });
});
