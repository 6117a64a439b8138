import { defineErrors } from '../../platform/errors/define-errors.js';

export const reportsErrors = defineErrors({
  /** No report template has this key (`details.known` lists those there are). */
  'reports.unknown_template': {
    kind: 'not_found',
    zh: '没有报告模板 {key}（现有：{known}）',
    en: 'No report template {key} (there are: {known})',
  },
  /** A template file does not validate (`details.problem` names the JSON paths). */
  'reports.template_invalid': {
    kind: 'internal',
    zh: '报告模板 {key} 有误：{problem}',
    en: 'Report template {key} is invalid: {problem}',
  },
  /** The template reads figures this version cannot build a report from yet (`details.source`). */
  'reports.source_unsupported': {
    kind: 'invalid',
    zh: '报告模板 {key} 的数据来源 {source} 暂不支持',
    en: 'Report template {key} reads {source}, which cannot be reported on yet',
  },
  /** The report does not exist or its unit lies outside the caller's scope. */
  'reports.not_found': { kind: 'not_found', zh: '报告不存在', en: 'Report not found' },
});
