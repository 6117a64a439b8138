import type { IndicatorDefinitionInput } from '../../src/modules/indicators/indicator.schema.js';

/** 电费回收率: a loaded monthly ratio (收回 / 应收), the indicator most tests load by hand. */
export const feeRecovery = (overrides: Partial<IndicatorDefinitionInput> = {}): IndicatorDefinitionInput => ({
  key: 'fee_recovery',
  name: '电费回收率',
  nameEn: 'Fee recovery rate',
  measure: { kind: 'ratio' },
  direction: 'higher_better',
  aggregation: 'ratio_of_sums',
  grain: 'month',
  source: { kind: 'loaded' },
  targets: [{ target: 1, warning: 0.99 }],
  ...overrides,
});
