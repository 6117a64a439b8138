import { defineErrors } from '../../platform/errors/define-errors.js';

export const indicatorsErrors = defineErrors({
  /** No indicator has this key. */
  'indicators.not_found': { kind: 'not_found', zh: '指标 {key} 不存在', en: 'Indicator {key} not found' },
  /**
   * The definition refers to something that does not exist: a case type, clock or campaign of a
   * computed source, a target row's unit, the owner, the normalisation base. `details.field` is the
   * path in the definition.
   */
  'indicators.unknown_reference': {
    kind: 'invalid',
    zh: '指标定义中 {field} 引用的 {value} 不存在',
    en: 'The definition refers to {value} at {field}, which does not exist',
  },
  /** The indicator is computed from the data: its values cannot be loaded or entered. */
  'indicators.not_loaded': {
    kind: 'invalid',
    zh: '指标 {key} 由系统计算，不能导入或录入数值',
    en: 'Indicator {key} is computed from the data; its values cannot be loaded',
  },
  /**
   * A series load has problems and nothing was written (all or nothing). `details.problems` lists
   * `{ row, field, code, message }` (at most 1,000); `problemCount` counts all. Codes: unknown_unit,
   * out_of_scope, bad_period, bad_value, duplicate.
   */
  'indicators.values_invalid': {
    kind: 'invalid',
    zh: '指标数据中有 {problemCount} 处错误，未写入任何数值',
    en: '{problemCount} problems in the indicator values; nothing was written',
  },
  /** A period parameter names no period of the indicator's grain (`details.field`). */
  'indicators.bad_period': {
    kind: 'invalid',
    zh: '期间 {period} 无效',
    en: 'Not a period: {period}',
  },
});
