import { criticalAbsolute, criticalRatio, gradeAbsolute, gradeRatio } from './severity.rules';

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
});
