import { defineErrors } from '../../platform/errors/define-errors.js';

export const casesErrors = defineErrors({
  /** The case does not exist or lies outside the caller's scope. */
  'cases.not_found': { kind: 'not_found', zh: '工单不存在', en: 'Case not found' },
  /** No case type with this key (reading or changing a case type). */
  'cases.type_not_found': { kind: 'not_found', zh: '工单类型 {key} 不存在', en: 'Case type {key} not found' },
  /** A case names a case type that does not exist or is inactive; `field` names the input. */
  'cases.unknown_type': {
    kind: 'invalid',
    zh: '未知的工单类型：{key}',
    en: 'Unknown case type: {key}',
  },
  /** A case type with this key exists already. */
  'cases.type_key_taken': {
    kind: 'conflict',
    zh: '工单类型编码 {key} 已存在',
    en: 'Case type key {key} already exists',
  },
  /** The definition names a calendar (by code) that does not exist. */
  'cases.calendar_missing': {
    kind: 'invalid',
    zh: '时限表引用的工作日历 {calendar} 不存在（{field}）',
    en: 'The time-limit table refers to a missing calendar {calendar} ({field})',
  },
  /** The category is not in the case type's category tree. */
  'cases.unknown_category': {
    kind: 'invalid',
    zh: '工单类型 {caseType} 没有类别 {key}',
    en: 'Case type {caseType} has no category {key}',
  },
  /** The priority is not one of the case type's priorities. */
  'cases.unknown_priority': {
    kind: 'invalid',
    zh: '工单类型 {caseType} 没有优先级 {key}',
    en: 'Case type {caseType} has no priority {key}',
  },
  /** The reason code is not in the case type's reason taxonomy. */
  'cases.unknown_reason': {
    kind: 'invalid',
    zh: '工单类型 {caseType} 没有原因代码 {key}',
    en: 'Case type {caseType} has no reason code {key}',
  },
  /** The pause reason is not one of the case type's pause states. */
  'cases.unknown_pause_reason': {
    kind: 'invalid',
    zh: '工单类型 {caseType} 没有挂起原因 {key}',
    en: 'Case type {caseType} has no pause reason {key}',
  },
  /** A custom field of the case type is missing, unknown or of the wrong type; `field` names it. */
  'cases.field_invalid': {
    kind: 'invalid',
    zh: '字段 {field} 有误：{problem}',
    en: 'Field {field} is invalid: {problem}',
  },
  /** The action is not allowed from the case's current status; `allowedFrom` lists where it is. */
  'cases.transition_refused': {
    kind: 'invalid',
    zh: '当前状态（{status}）不能执行“{action}”',
    en: 'Cannot {action} a case that is {status}',
  },
  /** The action is for the assignee (or a dispatcher), or for a dispatcher or handler of the case's unit. */
  'cases.not_allowed': {
    kind: 'forbidden',
    zh: '您不能对此工单执行“{action}”（需要：{allowedBy}）',
    en: 'You may not {action} this case (needs: {allowedBy})',
  },
  /** Resolving or closing needs a reason code and/or written feedback under the case type's rules. */
  'cases.outcome_required': {
    kind: 'invalid',
    zh: '办结需要填写{field}',
    en: 'Closing this case needs {field}',
  },
  /** The feedback is shorter than the case type's `closing.minFeedbackLength` (details: minLength, length). */
  'cases.feedback_too_short': {
    kind: 'invalid',
    zh: '反馈过于简单：至少需要 {minLength} 个字，请写明具体情况和原因',
    en: 'The feedback is too short: at least {minLength} characters, saying what was found and why',
  },
  /** The case changed since the caller read it (expectedVersion differs). */
  'cases.version_conflict': {
    kind: 'conflict',
    zh: '工单已被他人修改，请刷新后重试',
    en: 'The case was changed by someone else; reload and try again',
  },
  /** The chosen assignee does not exist, is inactive, or may not handle cases. */
  'cases.assignee_invalid': {
    kind: 'invalid',
    zh: '无法派给用户 {userId}：用户不存在、已停用或无处理工单权限',
    en: 'Cannot assign to user {userId}: unknown, inactive or not allowed to handle cases',
  },
  /** The customer does not exist or is outside the caller's scope. */
  'cases.customer_not_found': {
    kind: 'invalid',
    zh: '客户 {customerId} 不存在',
    en: 'Customer {customerId} not found',
  },
  /** Another case of this type already has the external key. */
  'cases.external_key_taken': {
    kind: 'conflict',
    zh: '外部编号 {externalKey} 已存在',
    en: 'External key {externalKey} already exists',
  },
  /** No callback is pending for the case (none was due, or it is recorded already). */
  'cases.callback_not_pending': {
    kind: 'invalid',
    zh: '此工单没有待回访记录',
    en: 'This case has no pending callback',
  },
  /** The attachment is larger than the limit. */
  'cases.attachment_too_large': {
    kind: 'invalid',
    zh: '附件过大（上限 {limitMb} MB）',
    en: 'The attachment is too large (limit {limitMb} MB)',
  },
  /** The attachment's type is not accepted, or its content does not match its declared type. */
  'cases.attachment_type_refused': {
    kind: 'invalid',
    zh: '不接受此类型的附件：{contentType}',
    en: 'Attachments of this type are not accepted: {contentType}',
  },
  /** The attachment does not exist. */
  'cases.attachment_not_found': { kind: 'not_found', zh: '附件不存在', en: 'Attachment not found' },
  /** The calendar of a clock does not cover the year of a date the clock needs. */
  'cases.calendar_not_covering': {
    kind: 'invalid',
    zh: '工作日历 {calendar} 未覆盖 {year} 年，无法计算时限',
    en: 'Calendar {calendar} does not cover {year}; the time limit cannot be computed',
  },
  /**
   * An import of case history has invalid rows and nothing was written. `problems` lists them
   * (row, externalKey, field, code, message; at most 1,000), `rowCount` and `problemCount` count all.
   */
  'cases.import_invalid': {
    kind: 'invalid',
    zh: '导入数据中有 {rowCount} 行有误，未导入任何工单',
    en: '{rowCount} rows of the import are invalid; nothing was imported',
  },
});
