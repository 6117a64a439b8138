// Control limits against hand computations and textbook examples, every Western Electric rule
// positive and negative on hand-made series of z-scores, and properties of the alerts (quiet series
// stay quiet, alerts never change as the series grows).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ControlChartInputError,
  controlScores,
  individualsChartLimits,
  pChartLimits,
  pChartZones,
  westernElectricAlerts,
  westernElectricAlertsFromScores,
} from './control-chart.js';
import type { IndividualsLimits, PChartLimits, WesternElectricRule } from './control-chart.js';

const alertsOf = (scores: (number | null)[], rule: WesternElectricRule) =>
  westernElectricAlertsFromScores(scores).filter((a) => a.rule === rule);

const pLimits = (baseline: { numerator: number; denominator: number }[]): PChartLimits => {
  const result = pChartLimits({ baseline });
  if (!result.ok) throw new Error(result.message);
  return result.limits;
};

const xLimits = (baseline: number[]): IndividualsLimits => {
  const result = individualsChartLimits({ baseline });
  if (!result.ok) throw new Error(result.message);
  return result.limits;
};

const repeat = (z: number, n: number) => Array.from({ length: n }, () => z);

describe('pChartLimits', () => {
  // Denominators vary; the mean of the eight rates is 0.1444 but the unit met 100 of 1000.
  const baseline = [
    { numerator: 5, denominator: 10 },
    { numerator: 5, denominator: 90 },
    { numerator: 10, denominator: 100 },
    { numerator: 10, denominator: 100 },
    { numerator: 10, denominator: 100 },
    { numerator: 20, denominator: 200 },
    { numerator: 20, denominator: 200 },
    { numerator: 20, denominator: 200 },
  ];

  it('centres on the ratio of sums and gives each point limits from its own denominator', () => {
    const limits = pLimits(baseline);
    expect(limits.centre).toBe(0.1);
    expect(limits).toMatchObject({ baselineNumerator: 100, baselineDenominator: 1000, baselinePoints: 8 });
    // n = 100: σ = √(0.1 × 0.9 / 100) = 0.03.
    const n100 = limits.baseline[2]!;
    expect(n100.lower3).toBeCloseTo(0.01, 12);
    expect(n100.lower2).toBeCloseTo(0.04, 12);
    expect(n100.lower1).toBeCloseTo(0.07, 12);
    expect(n100.upper1).toBeCloseTo(0.13, 12);
    expect(n100.upper2).toBeCloseTo(0.16, 12);
    expect(n100.upper3).toBeCloseTo(0.19, 12);
    // n = 200: σ = √0.00045 = 0.0212132.
    expect(limits.baseline[5]!.upper3).toBeCloseTo(0.1636396, 7);
    expect(limits.baseline[5]!.lower3).toBeCloseTo(0.0363604, 7);
    // n = 10: σ = 0.0948683; the 2σ and 3σ lower limits fall below 0 and are clamped.
    const n10 = limits.baseline[0]!;
    expect(n10.upper3).toBeCloseTo(0.384605, 7);
    expect(n10.lower3).toBe(0);
    expect(n10.lower2).toBe(0);
    expect(n10.lower1).toBeCloseTo(0.0051317, 7);
  });

  it('clamps upper limits at 1', () => {
    const limits = pLimits(repeat(0, 8).map(() => ({ numerator: 90, denominator: 100 })));
    // p̄ = 0.9, n = 25: σ = 0.06, so 0.9 + 2σ = 1.02 and 0.9 + 3σ = 1.08.
    const zones = pChartZones(limits, 25);
    expect(zones.upper3).toBe(1);
    expect(zones.upper2).toBe(1);
    expect(zones.upper1).toBeCloseTo(0.96, 12);
    expect(zones.lower3).toBeCloseTo(0.72, 12);
  });

  // Montgomery, Introduction to Statistical Quality Control (6th ed.), Example 7.1: 30 samples of
  // 50 orange-juice cans, 347 nonconforming; published p̄ = 0.2313, UCL = 0.4102, LCL = 0.0524, and
  // samples 15 and 23 above the UCL. (Data transcribed without the book at hand: the sums and limits
  // it gives match the published ones; check the sample values against the book before quoting them.)
  it('matches the orange-juice can example', () => {
    const defects = [
      12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9,
      6,
    ];
    const samples = defects.map((numerator) => ({ numerator, denominator: 50 }));
    const limits = pLimits(samples);
    expect(limits.centre).toBeCloseTo(0.2313, 4);
    expect(limits.baseline[0]!.upper3).toBeCloseTo(0.4102, 4);
    expect(limits.baseline[0]!.lower3).toBeCloseTo(0.0524, 4);
    const beyond3 = westernElectricAlerts({ limits, points: samples }).filter((a) => a.rule === 1);
    expect(beyond3.map((a) => [a.index + 1, a.side])).toEqual([
      [15, 'above'],
      [23, 'above'],
    ]);
  });

  it('refuses a baseline that is too short, counting only periods with a denominator', () => {
    const seven = pChartLimits({ baseline: baseline.slice(0, 7) });
    expect(seven).toMatchObject({ ok: false, reason: 'too_few_points', usablePoints: 7, minPoints: 8 });
    const withEmpty = pChartLimits({ baseline: [...baseline.slice(0, 7), { numerator: 0, denominator: 0 }] });
    expect(withEmpty).toMatchObject({ ok: false, reason: 'too_few_points', usablePoints: 7 });
    expect(pChartLimits({ baseline: [] })).toMatchObject({
      ok: false,
      reason: 'too_few_points',
      usablePoints: 0,
    });
    expect(pChartLimits({ baseline: baseline.slice(0, 3), minPoints: 3 }).ok).toBe(true);
  });

  it('refuses a baseline whose denominators are all 0', () => {
    const result = pChartLimits({ baseline: repeat(0, 10).map(() => ({ numerator: 0, denominator: 0 })) });
    expect(result).toMatchObject({ ok: false, reason: 'no_denominator', usablePoints: 0 });
    if (!result.ok) expect(result.message).toMatch(/denominator/);
  });

  it('refuses a baseline rate of exactly 0 or 1 (no variation)', () => {
    const perfect = repeat(0, 8).map((_, i) => ({ numerator: 10 + i, denominator: 10 + i }));
    expect(pChartLimits({ baseline: perfect })).toMatchObject({ ok: false, reason: 'no_variation' });
    const never = perfect.map((p) => ({ ...p, numerator: 0 }));
    expect(pChartLimits({ baseline: never })).toMatchObject({ ok: false, reason: 'no_variation' });
  });

  it('throws on values that are not a proportion', () => {
    const bad = (point: { numerator: number; denominator: number }) => () =>
      pChartLimits({ baseline: [...baseline, point] });
    expect(bad({ numerator: 11, denominator: 10 })).toThrow(ControlChartInputError);
    expect(bad({ numerator: 11, denominator: 10 })).toThrow(
      /baseline\[8\]: numerator 11 exceeds denominator 10/,
    );
    expect(bad({ numerator: -1, denominator: 10 })).toThrow(/negative/);
    expect(bad({ numerator: Number.NaN, denominator: 10 })).toThrow(/finite/);
    expect(() => pChartLimits({ baseline, minPoints: 0 })).toThrow(/minPoints/);
  });
});

describe('individualsChartLimits', () => {
  it('estimates σ from the mean moving range / 1.128', () => {
    // x̄ = 96 / 8 = 12; moving ranges 2 1 3 2 1 2 2 → mR̄ = 13 / 7 = 1.857143; σ̂ = 1.646403.
    const limits = xLimits([10, 12, 11, 14, 12, 13, 11, 13]);
    expect(limits.centre).toBe(12);
    expect(limits.averageMovingRange).toBeCloseTo(1.8571429, 7);
    expect(limits.sigma).toBeCloseTo(1.6464032, 7);
    expect(limits.zones.upper1).toBeCloseTo(13.6464032, 7);
    expect(limits.zones.upper2).toBeCloseTo(15.2928065, 7);
    expect(limits.zones.upper3).toBeCloseTo(16.9392097, 7);
    expect(limits.zones.lower1).toBeCloseTo(10.3535968, 7);
    expect(limits.zones.lower2).toBeCloseTo(8.7071935, 7);
    expect(limits.zones.lower3).toBeCloseTo(7.0607903, 7);
  });

  // Montgomery, Introduction to Statistical Quality Control (6th ed.), Example 6.5: weekly cost of
  // processing mortgage loans; published x̄ = 300.5, MR̄ = 7.79, UCL = 321.22, LCL = 279.78, and no
  // point out of control. (Transcribed without the book at hand, as above.)
  it('matches the loan-processing cost example', () => {
    const costs = [
      310, 288, 297, 298, 307, 303, 294, 297, 308, 306, 294, 299, 297, 299, 314, 295, 293, 306, 301, 304,
    ];
    const limits = xLimits(costs);
    expect(limits.centre).toBe(300.5);
    expect(limits.averageMovingRange).toBeCloseTo(7.79, 2);
    expect(limits.zones.upper3).toBeCloseTo(321.22, 2);
    expect(limits.zones.lower3).toBeCloseTo(279.78, 2);
    expect(westernElectricAlerts({ limits, points: costs }).filter((a) => a.rule === 1)).toEqual([]);
  });

  it('refuses a constant baseline and a short one', () => {
    expect(individualsChartLimits({ baseline: repeat(4, 12) })).toMatchObject({
      ok: false,
      reason: 'no_variation',
      usablePoints: 12,
    });
    expect(individualsChartLimits({ baseline: [1, 2, 3, 4, 5, 6, 7] })).toMatchObject({
      ok: false,
      reason: 'too_few_points',
      usablePoints: 7,
      minPoints: 8,
    });
    expect(individualsChartLimits({ baseline: [1, 2], minPoints: 2 }).ok).toBe(true);
    expect(() => individualsChartLimits({ baseline: [1, 2], minPoints: 1 })).toThrow(/minPoints/);
    expect(() => individualsChartLimits({ baseline: [1, 2, Number.POSITIVE_INFINITY] })).toThrow(
      /baseline\[2\]/,
    );
  });
});

describe('Western Electric rule 1: one point beyond 3σ', () => {
  it('fires on a point beyond 3σ, above or below', () => {
    expect(alertsOf([0, 0.5, 3.2, 0], 1)).toEqual([
      { id: 'we1:above:2', rule: 1, side: 'above', index: 2, involved: [2], lastIndex: 2 },
    ]);
    expect(alertsOf([0, -3.5], 1)).toMatchObject([{ side: 'below', index: 1, involved: [1] }]);
  });

  it('does not fire inside 3σ, nor exactly on the limit', () => {
    expect(alertsOf([2.9, -2.9, 3, -3, 0], 1)).toEqual([]);
  });

  it('points beyond 3σ in a row are one episode; a point back inside ends it', () => {
    expect(alertsOf([3.1, 3.4], 1)).toEqual([
      { id: 'we1:above:0', rule: 1, side: 'above', index: 0, involved: [0], lastIndex: 1 },
    ]);
    expect(alertsOf([3.1, 0.5, 3.4], 1).map((a) => a.id)).toEqual(['we1:above:0', 'we1:above:2']);
    // A missing point is skipped, not a gap.
    expect(alertsOf([3.1, null, 3.4], 1).map((a) => [a.id, a.lastIndex])).toEqual([['we1:above:0', 2]]);
  });
});

describe('Western Electric rule 2: 2 of 3 beyond 2σ on the same side', () => {
  it('fires when the second point beyond 2σ arrives within three', () => {
    expect(alertsOf([0, 2.5, 0.3, 2.1], 2)).toEqual([
      { id: 'we2:above:1', rule: 2, side: 'above', index: 3, involved: [1, 3], lastIndex: 3 },
    ]);
    expect(alertsOf([-2.2, -2.4, 0], 2)).toMatchObject([{ side: 'below', index: 1, involved: [0, 1] }]);
  });

  it('does not fire when the two are on opposite sides', () => {
    expect(alertsOf([2.5, -2.5, 0], 2)).toEqual([]);
    expect(alertsOf([2.5, 0, -2.5], 2)).toEqual([]);
  });

  it('does not fire when the two are four points apart, or one is only on the line', () => {
    expect(alertsOf([2.5, 0, 0, 2.5], 2)).toEqual([]);
    expect(alertsOf([2, 2.5, 1.9], 2)).toEqual([]);
  });

  it('counts a point beyond 3σ as beyond 2σ', () => {
    expect(alertsOf([3.5, 0, 2.1], 2)).toMatchObject([{ index: 2, involved: [0, 2] }]);
  });

  it('is one alert while patterns share points, and a new one after a clean break', () => {
    // 2.5 2.5 0 2.5 2.5: the pattern at 3 is (1, 3), sharing point 1 with the first one.
    expect(alertsOf([2.5, 2.5, 0, 2.5, 2.5], 2)).toEqual([
      { id: 'we2:above:0', rule: 2, side: 'above', index: 1, involved: [0, 1], lastIndex: 4 },
    ]);
    expect(alertsOf([2.5, 2.5, 0, 0, 0, 2.5, 2.5], 2).map((a) => a.id)).toEqual([
      'we2:above:0',
      'we2:above:5',
    ]);
  });
});

describe('Western Electric rule 3: 4 of 5 beyond 1σ on the same side', () => {
  it('fires on the fourth point beyond 1σ within five', () => {
    expect(alertsOf([1.5, 0.2, 1.2, 1.8, 1.1], 3)).toEqual([
      { id: 'we3:above:0', rule: 3, side: 'above', index: 4, involved: [0, 2, 3, 4], lastIndex: 4 },
    ]);
    expect(alertsOf([-1.1, -1.2, -1.3, -1.4], 3)).toMatchObject([{ side: 'below', index: 3 }]);
  });

  it('does not fire with only 3 of 5', () => {
    expect(alertsOf([1.5, 0.2, 1.2, 0.5, 1.1], 3)).toEqual([]);
    expect(alertsOf([1.1, 1.2, 1.3], 3)).toEqual([]);
  });

  it('does not fire when the four are split between the sides or spread over six points', () => {
    expect(alertsOf([1.5, -1.5, 1.2, -1.8, 1.1], 3)).toEqual([]);
    expect(alertsOf([1.5, 1.5, 0, 0, 1.5, 1.5], 3)).toEqual([]);
    expect(alertsOf([1, 1.5, 1.5, 1.5, 1], 3)).toEqual([]);
  });
});

describe('Western Electric rule 4: 8 in a row on the same side', () => {
  it('fires on the eighth point, and a ninth extends the same alert', () => {
    expect(alertsOf(repeat(0.5, 8), 4)).toEqual([
      {
        id: 'we4:above:0',
        rule: 4,
        side: 'above',
        index: 7,
        involved: [0, 1, 2, 3, 4, 5, 6, 7],
        lastIndex: 7,
      },
    ]);
    expect(alertsOf([0.1, ...repeat(-0.3, 9)], 4)).toMatchObject([
      { id: 'we4:below:1', side: 'below', index: 8, lastIndex: 9 },
    ]);
  });

  it('does not fire with 7 in a row', () => {
    expect(alertsOf(repeat(0.5, 7), 4)).toEqual([]);
    expect(alertsOf([...repeat(0.5, 7), -0.5], 4)).toEqual([]);
  });

  it('is broken by a point on the other side, or on the centre line', () => {
    expect(alertsOf([...repeat(0.5, 4), -0.2, ...repeat(0.5, 4)], 4)).toEqual([]);
    expect(alertsOf([...repeat(0.5, 4), 0, ...repeat(0.5, 4)], 4)).toEqual([]);
  });
});

describe('westernElectricAlerts', () => {
  it('skips missing points: windows count the points that exist', () => {
    expect(alertsOf([2.5, null, null, 2.5], 2)).toMatchObject([{ index: 3, involved: [0, 3] }]);
    const limits = pLimits(repeat(0, 8).map(() => ({ numerator: 10, denominator: 100 })));
    const points = [{ numerator: 25, denominator: 100 }, { numerator: 0, denominator: 0 }, null];
    expect(controlScores({ limits, points })).toEqual([expect.closeTo(5, 9), null, null]);
  });

  it('judges each p-chart point in its own zones', () => {
    // p̄ = 0.1. A rate of 0.2 over 100 trials is 3.33σ out; over 10 trials only 1.05σ.
    const limits = pLimits(repeat(0, 8).map(() => ({ numerator: 10, denominator: 100 })));
    const busy = westernElectricAlerts({ limits, points: [{ numerator: 20, denominator: 100 }] });
    expect(busy).toMatchObject([{ rule: 1, side: 'above', index: 0 }]);
    expect(westernElectricAlerts({ limits, points: [{ numerator: 2, denominator: 10 }] })).toEqual([]);
    // A rate of 0 over 10 trials sits on the clamped lower limit (0), which it cannot cross.
    expect(controlScores({ limits, points: [{ numerator: 0, denominator: 10 }] })[0]).toBeGreaterThan(-3);
  });

  it('evaluates plain values against individuals limits and names alerts by key', () => {
    const limits = xLimits([10, 12, 11, 14, 12, 13, 11, 13]);
    const points = [12, 17.5, 12, 12];
    const keys = ['2026-01', '2026-02', '2026-03', '2026-04'];
    expect(westernElectricAlerts({ limits, points, keys })).toEqual([
      { id: 'we1:above:2026-02', rule: 1, side: 'above', index: 1, involved: [1], lastIndex: 1 },
    ]);
    expect(() => westernElectricAlerts({ limits, points, keys: keys.slice(1) })).toThrow(/keys/);
    expect(() => westernElectricAlerts({ limits, points: [Number.NaN] })).toThrow(/points\[0\]/);
  });

  it('reports every rule a point completes, ordered by point then rule', () => {
    const alerts = westernElectricAlertsFromScores([...repeat(1.5, 7), 3.5]);
    expect(alerts.map((a) => [a.index, a.rule])).toEqual([
      [3, 3],
      [7, 1],
      [7, 4],
    ]);
  });
});

describe('properties', () => {
  const runs = { numRuns: 200 };
  const quiet = fc.array(fc.double({ min: -0.99, max: 0.99, noNaN: true }), { maxLength: 60 });
  // Scores on a coarse grid, with gaps, so that every rule fires often.
  const noisy = fc.array(
    fc.option(fc.constantFrom(-3.5, -2.5, -1.5, -0.5, 0, 0.5, 1.5, 2.5, 3.5), { freq: 8 }),
    {
      maxLength: 60,
    },
  );

  it('a series inside ±1σ never triggers rules 1–3', () => {
    fc.assert(
      fc.property(quiet, (scores) => westernElectricAlertsFromScores(scores).every((a) => a.rule === 4)),
      runs,
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 8, maxLength: 30 }),
        quiet,
        (baseline, offsets) => {
          const result = individualsChartLimits({ baseline });
          fc.pre(result.ok);
          if (!result.ok) return;
          const { centre, sigma } = result.limits;
          const points = offsets.map((u) => centre + u * sigma);
          expect(
            westernElectricAlerts({ limits: result.limits, points }).filter((a) => a.rule !== 4),
          ).toEqual([]);
        },
      ),
      runs,
    );
  });

  it('growing the series never changes an alert already raised (idempotent ids)', () => {
    fc.assert(
      fc.property(noisy, fc.nat(), (scores, cut) => {
        const prefix = scores.slice(0, scores.length === 0 ? 0 : cut % (scores.length + 1));
        const full = new Map(westernElectricAlertsFromScores(scores).map((a) => [a.id, a]));
        for (const alert of westernElectricAlertsFromScores(prefix)) {
          const later = full.get(alert.id);
          expect(later).toMatchObject({
            rule: alert.rule,
            side: alert.side,
            index: alert.index,
            involved: alert.involved,
          });
          expect(later!.lastIndex).toBeGreaterThanOrEqual(alert.lastIndex);
        }
      }),
      runs,
    );
  });

  it('rule 4 raises one alert per maximal run of 8 or more on one side', () => {
    fc.assert(
      fc.property(noisy, (scores) => {
        let runs8 = 0;
        let length = 0;
        let sign = 0;
        for (const z of scores) {
          if (z === null) continue;
          const s = Math.sign(z);
          length = s !== 0 && s === sign ? length + 1 : s === 0 ? 0 : 1;
          sign = s;
          if (length === 8) runs8++;
        }
        expect(alertsOf(scores, 4)).toHaveLength(runs8);
      }),
      runs,
    );
  });
});
