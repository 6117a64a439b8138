// The essays' indicators parse; each refinement refuses with its path and a message a pack author
// can act on; targetFor's specificity order; statusOf on each direction, edges included.
import { describe, expect, it } from 'vitest';
import { caseTypesOf, statusOf, targetFor, ZIndicatorDefinition } from './indicator.schema.js';
import type { IndicatorDefinition, IndicatorDefinitionInput } from './indicator.schema.js';

const onTime: IndicatorDefinitionInput = {
  key: 'cases.on_time.resolution',
  name: '处理及时率',
  nameEn: 'On-time resolution rate',
  measure: { kind: 'ratio' },
  direction: 'higher_better',
  aggregation: 'ratio_of_sums',
  grain: 'month',
  source: {
    kind: 'computed',
    from: 'cases.on_time_rate',
    params: { caseType: 'repair', clock: 'resolution' },
  },
  targets: [{ target: 0.95, warning: 0.9 }],
};

const outageHours: IndicatorDefinitionInput = {
  key: 'outage_hours',
  name: '户均停电时间',
  nameEn: 'Average outage hours per customer',
  measure: { kind: 'duration', unit: 'hours' },
  direction: 'lower_better',
  aggregation: 'weighted_mean',
  grain: 'year',
  source: { kind: 'loaded' },
  weight: { name: '用户数', nameEn: 'Customers' },
  targets: [
    { unit: 'URBAN', target: 7 },
    { unit: 'RURAL', target: 29.6, warning: 35 },
  ],
};

const parse = (input: IndicatorDefinitionInput) => ZIndicatorDefinition.parse(input);

/** The issues of a refused definition, as path → message. */
const issuesOf = (input: IndicatorDefinitionInput) => {
  const result = ZIndicatorDefinition.safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('ZIndicatorDefinition: the essays’ indicators', () => {
  it('on-time rate ≥ 95 % per clock', () => {
    const def = parse(onTime);
    expect(def.source).toEqual({
      kind: 'computed',
      from: 'cases.on_time_rate',
      params: { caseType: 'repair', clock: 'resolution' },
    });
    expect(def.targets[0]).toEqual({ unit: '*', target: 0.95, warning: 0.9 });
  });

  it('a source over several case types (a pack’s four property types), but not none', () => {
    const types = ['property.repair.public', 'property.repair.home'];
    const def = parse({
      ...onTime,
      source: { kind: 'computed', from: 'cases.callback_rate', params: { caseType: types } },
    });
    expect(caseTypesOf(def.source)).toEqual(types);
    expect(caseTypesOf(parse(onTime).source)).toEqual(['repair']);
    expect(
      issuesOf({
        ...onTime,
        source: { kind: 'computed', from: 'cases.callback_rate', params: { caseType: [] } },
      }).map((i) => i.path),
    ).toEqual(['source.params.caseType']);
  });

  it('callback rate 100 %, rework rate ≤ 3 %', () => {
    expect(
      parse({
        ...onTime,
        key: 'callback_rate',
        name: '回访率',
        source: { kind: 'computed', from: 'cases.callback_rate' },
        targets: [{ target: 1 }],
      }).source,
    ).toEqual({ kind: 'computed', from: 'cases.callback_rate', params: {} });
    expect(
      parse({
        ...onTime,
        key: 'rework_rate',
        name: '返工率',
        direction: 'lower_better',
        source: { kind: 'computed', from: 'cases.rework_rate' },
        targets: [{ target: 0.03, warning: 0.05 }],
      }).direction,
    ).toBe('lower_better');
  });

  it('outage hours ≤ 7 h urban / 29.6 h rural as two unit-specific targets', () => {
    expect(parse(outageHours).targets.map((t) => [t.unit, t.target])).toEqual([
      ['URBAN', 7],
      ['RURAL', 29.6],
    ]);
  });

  it('reliability 99.92 % as a loaded ratio, overdue count as a computed count, a price band', () => {
    expect(
      parse({
        ...onTime,
        key: 'reliability',
        name: '供电可靠率',
        grain: 'quarter',
        source: { kind: 'loaded' },
        targets: [{ target: 0.9992 }],
      }).targets[0]!.target,
    ).toBe(0.9992);
    expect(
      parse({
        ...outageHours,
        key: 'overdue',
        name: '超时工单数',
        measure: { kind: 'count' },
        aggregation: 'sum',
        weight: undefined,
        grain: 'xun',
        source: { kind: 'computed', from: 'cases.overdue_count', params: { clock: 'resolution' } },
        targets: [{ target: 0 }],
        normalisation: { per: 1000, of: 'customers' },
      }).normalisation,
    ).toEqual({ per: 1000, of: 'customers' });
    expect(
      parse({
        key: 'avg_price',
        name: '平均电价',
        measure: { kind: 'value', unit: '元/kWh' },
        direction: 'band',
        aggregation: 'weighted_mean',
        grain: 'month',
        source: { kind: 'loaded' },
        weight: { name: '售电量' },
        targets: [{ band: [0.5, 0.6], warning: 0.02 }],
      }).targets[0]!.band,
    ).toEqual([0.5, 0.6]);
  });
});

describe('ZIndicatorDefinition: refusals', () => {
  it('a ratio target or warning outside [0, 1], with the hint to write a fraction', () => {
    const issues = issuesOf({ ...onTime, targets: [{ target: 95, warning: 90 }] });
    expect(issues.map((i) => i.path)).toEqual(['targets.0.target', 'targets.0.warning']);
    expect(issues[0]!.message).toContain('write 0.95 for 95 %');
    expect(issuesOf({ ...onTime, targets: [{ target: 0.95, warning: -0.1 }] })[0]!.path).toBe(
      'targets.0.warning',
    );
  });

  it('a warning on the wrong side of the target', () => {
    const higher = issuesOf({ ...onTime, targets: [{ target: 0.9, warning: 0.95 }] });
    expect(higher).toEqual([
      { path: 'targets.0.warning', message: expect.stringContaining('below the target') },
    ]);
    // Equal is refused too: a warning level equal to the target can never be reached.
    expect(issuesOf({ ...onTime, targets: [{ target: 0.9, warning: 0.9 }] })[0]!.path).toBe(
      'targets.0.warning',
    );
    const lower = issuesOf({ ...outageHours, targets: [{ unit: 'RURAL', target: 29.6, warning: 20 }] });
    expect(lower).toEqual([
      { path: 'targets.0.warning', message: expect.stringContaining('above the target') },
    ]);
  });

  it('a band indicator needs a band with low ≤ high; a band is refused elsewhere', () => {
    const band = { ...outageHours, direction: 'band' as const };
    expect(issuesOf({ ...band, targets: [{ target: 5 }] })[0]!.path).toBe('targets.0.band');
    expect(issuesOf({ ...band, targets: [{ band: [9, 5] }] })).toEqual([
      { path: 'targets.0.band', message: 'low (9) must not be above high (5)' },
    ]);
    expect(issuesOf({ ...band, targets: [{ band: [5, 9], warning: 0 }] })[0]!.path).toBe('targets.0.warning');
    expect(issuesOf({ ...outageHours, targets: [{ target: 7, band: [5, 9] }] })[0]!.path).toBe(
      'targets.0.band',
    );
    expect(issuesOf({ ...outageHours, targets: [{ unit: 'URBAN' }] })[0]!.path).toBe('targets.0.target');
  });

  it('a computed source whose measure does not match, an unknown source, wrong params', () => {
    expect(issuesOf({ ...onTime, source: { kind: 'computed', from: 'cases.overdue_count' } })).toEqual([
      { path: 'measure.kind', message: 'cases.overdue_count is a count, not a ratio' },
    ]);
    expect(
      issuesOf({
        ...onTime,
        source: { kind: 'computed', from: 'cases.nonexistent' as 'cases.callback_rate' },
      })[0]!.path,
    ).toBe('source.from');
    expect(issuesOf({ ...onTime, source: { kind: 'computed', from: 'cases.on_time_rate' } })).toEqual([
      { path: 'source.params.clock', message: 'cases.on_time_rate needs a clock' },
    ]);
    expect(
      issuesOf({
        ...onTime,
        source: { kind: 'computed', from: 'campaigns.reached_rate', params: { clock: 'x' } },
      }),
    ).toEqual([{ path: 'source.params.clock', message: 'campaigns.reached_rate takes no clock' }]);
  });

  it('a ratio aggregated otherwise than as a ratio of sums, and ratio_of_sums on a non-ratio', () => {
    const issues = issuesOf({ ...onTime, aggregation: 'weighted_mean', weight: { name: '工单数' } });
    expect(issues).toEqual([
      { path: 'aggregation', message: expect.stringContaining('never an average of ratios') },
    ]);
    expect(issuesOf({ ...outageHours, aggregation: 'ratio_of_sums' })[0]!.path).toBe('aggregation');
    expect(issuesOf({ ...onTime, normalisation: { per: 1000, of: 'customers' } })[0]!.path).toBe(
      'normalisation',
    );
  });

  it('duplicate or overlapping target rows for the same unit; from after to', () => {
    expect(issuesOf({ ...onTime, targets: [{ target: 0.95 }, { unit: '*', target: 0.9 }] })).toEqual([
      { path: 'targets.1', message: 'duplicate undated target for unit * (see targets[0])' },
    ]);
    const overlapping = issuesOf({
      ...onTime,
      targets: [
        { unit: 'U1', from: '2025-01', to: '2025-06', target: 0.9 },
        { unit: 'U1', from: '2025-06', target: 0.95 },
      ],
    });
    expect(overlapping.map((i) => i.path)).toEqual(['targets.1']);
    // Same range for different units, and adjacent ranges for one unit, are fine.
    expect(
      ZIndicatorDefinition.safeParse({
        ...onTime,
        targets: [
          { unit: 'U1', from: '2025-01', to: '2025-06', target: 0.9 },
          { unit: 'U1', from: '2025-07', target: 0.95 },
          { unit: 'U2', from: '2025-01', to: '2025-06', target: 0.9 },
          { unit: 'U1', target: 0.8 },
        ],
      }).success,
    ).toBe(true);
    expect(issuesOf({ ...onTime, targets: [{ from: '2025-07', to: '2025-06', target: 0.9 }] })[0]!.path).toBe(
      'targets.0.to',
    );
    expect(issuesOf({ ...onTime, targets: [{ from: '2025-13', target: 0.9 }] })[0]!.path).toBe(
      'targets.0.from',
    );
  });

  it('a weighted mean without its weight, a weight elsewhere, a self-normalisation', () => {
    const { weight: _, ...unweighted } = outageHours;
    expect(issuesOf(unweighted)).toEqual([
      { path: 'weight', message: 'a weighted mean needs a declared weight (what each value is weighted by)' },
    ]);
    expect(issuesOf({ ...outageHours, aggregation: 'max' })).toEqual([
      { path: 'weight', message: 'a weight is only for weighted_mean, not max' },
    ]);
    expect(
      issuesOf({ ...outageHours, normalisation: { per: 1000, of: 'outage_hours' } }).map((i) => i.path),
    ).toEqual(['normalisation.of']);
  });

  it('a campaign source finer than a month', () => {
    expect(
      issuesOf({
        ...onTime,
        grain: 'xun',
        source: { kind: 'computed', from: 'campaigns.reactivation_rate' },
      }),
    ).toEqual([
      {
        path: 'grain',
        message:
          'campaigns.reactivation_rate is counted by list month: the grain must be month, quarter or year',
      },
    ]);
  });

  it('a bad key', () => {
    expect(issuesOf({ ...onTime, key: 'On Time' })[0]!.path).toBe('key');
  });
});

describe('targetFor', () => {
  const def: Pick<IndicatorDefinition, 'targets'> = parse({
    ...onTime,
    targets: [
      { unit: '*', target: 0.9 },
      { unit: '*', from: '2026-01', target: 0.92 },
      { unit: 'CITY', target: 0.93 },
      { unit: 'DISTRICT', target: 0.95 },
      { unit: 'DISTRICT', from: '2026-03', to: '2026-05', target: 0.97 },
    ],
  });
  const at = (unitCodes: string[], period: string) =>
    targetFor({ definition: def, unitCodes, period })?.target;

  it('the unit over its ancestor over *', () => {
    expect(at(['DISTRICT', 'CITY', 'PROVINCE'], '2025-06')).toBe(0.95);
    expect(at(['OTHER', 'CITY', 'PROVINCE'], '2025-06')).toBe(0.93);
    expect(at(['ELSEWHERE', 'PROVINCE'], '2025-06')).toBe(0.9);
  });

  it('a dated row over an undated one of the same unit; unit specificity first', () => {
    expect(at(['ELSEWHERE'], '2026-01')).toBe(0.92);
    expect(at(['ELSEWHERE'], '2025-12')).toBe(0.9);
    expect(at(['DISTRICT', 'CITY'], '2026-03')).toBe(0.97);
    expect(at(['DISTRICT', 'CITY'], '2026-05-21')).toBe(0.97); // a 旬 starting in May
    expect(at(['DISTRICT', 'CITY'], '2026-06')).toBe(0.95);
    // CITY's undated row beats the company-wide dated row.
    expect(at(['OTHER', 'CITY'], '2026-02')).toBe(0.93);
  });

  it('null when no row applies; a bad period throws', () => {
    expect(
      targetFor({ definition: parse(outageHours), unitCodes: ['ELSEWHERE'], period: '2025-01' }),
    ).toBeNull();
    expect(
      targetFor({ definition: parse(outageHours), unitCodes: ['X', 'RURAL'], period: '2025-01' })!.target,
    ).toBe(29.6);
    expect(() => at(['DISTRICT'], '2025-Q1')).toThrow(RangeError);
  });
});

describe('statusOf', () => {
  it('higher is better: edges count as met / warning', () => {
    const definition = { direction: 'higher_better' as const };
    const target = { target: 0.95, warning: 0.9 };
    expect(statusOf({ definition, value: 0.95, target })).toBe('met');
    expect(statusOf({ definition, value: 57 / 60, target })).toBe('met');
    expect(statusOf({ definition, value: 0.9499, target })).toBe('warning');
    expect(statusOf({ definition, value: 0.9, target })).toBe('warning');
    expect(statusOf({ definition, value: 0.8999, target })).toBe('missed');
    expect(statusOf({ definition, value: 0.94, target: { target: 0.95 } })).toBe('missed');
  });

  it('lower is better', () => {
    const definition = { direction: 'lower_better' as const };
    const target = { target: 29.6, warning: 35 };
    expect(statusOf({ definition, value: 29.6, target })).toBe('met');
    expect(statusOf({ definition, value: 0, target })).toBe('met');
    expect(statusOf({ definition, value: 29.61, target })).toBe('warning');
    expect(statusOf({ definition, value: 35, target })).toBe('warning');
    expect(statusOf({ definition, value: 35.01, target })).toBe('missed');
  });

  it('band: inside met, within the warning distance outside warning, beyond missed', () => {
    const definition = { direction: 'band' as const };
    const target = { band: [0.5, 0.6] as [number, number], warning: 0.02 };
    expect(statusOf({ definition, value: 0.5, target })).toBe('met');
    expect(statusOf({ definition, value: 0.6, target })).toBe('met');
    expect(statusOf({ definition, value: 0.48, target })).toBe('warning');
    expect(statusOf({ definition, value: 0.62, target })).toBe('warning');
    expect(statusOf({ definition, value: 0.4799, target })).toBe('missed');
    expect(statusOf({ definition, value: 0.6201, target })).toBe('missed');
    expect(statusOf({ definition, value: 0.61, target: { band: [0.5, 0.6] } })).toBe('missed');
  });

  it('refuses a non-finite value or a row without what the direction needs', () => {
    expect(() =>
      statusOf({ definition: { direction: 'higher_better' }, value: NaN, target: { target: 1 } }),
    ).toThrow(RangeError);
    expect(() => statusOf({ definition: { direction: 'band' }, value: 1, target: { target: 1 } })).toThrow(
      RangeError,
    );
  });
});
