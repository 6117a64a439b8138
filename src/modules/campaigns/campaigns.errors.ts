import { defineErrors } from '../../platform/errors/define-errors.js';

export const campaignsErrors = defineErrors({
  /** The campaign does not exist or lies outside the caller's scope. */
  'campaigns.not_found': { kind: 'not_found', zh: '派单批次不存在', en: 'Campaign not found' },
  /** Another campaign has this key. */
  'campaigns.key_taken': {
    kind: 'conflict',
    zh: '派单批次编号 {key} 已被使用',
    en: 'Campaign key {key} is already in use',
  },
  /**
   * Targets are invalid and nothing was dispatched (all_or_nothing). `details.problems` lists
   * `{ row, externalKey, field, code, message }` (at most 1,000); `problemCount` counts all.
   */
  'campaigns.targets_invalid': {
    kind: 'invalid',
    zh: '目标清单中有 {problemCount} 处错误，未派出任何工单',
    en: '{problemCount} problems in the target list; nothing was dispatched',
  },
  /** A target list of this key exists for another case type or unit. */
  'campaigns.list_mismatch': {
    kind: 'conflict',
    zh: '派单清单 {key} 已存在，且属于其他工单类型或单位',
    en: 'Target list {key} exists for another case type or unit',
  },
  /** No target list has this key (or it lies outside the caller's scope). */
  'campaigns.list_not_found': {
    kind: 'not_found',
    zh: '派单清单 {key} 不存在',
    en: 'Target list {key} not found',
  },
  /** Only the follow-up of an unreachable target (reason under 联系不上) can become a visit. */
  'campaigns.visit_not_allowed': {
    kind: 'invalid',
    zh: '只有联系不上的目标可以转上门走访',
    en: 'Only an unreachable target can be escalated to a visit',
  },
  /** The target has a visit already (`details.visitCaseId`). */
  'campaigns.visit_exists': {
    kind: 'conflict',
    zh: '该目标已有上门走访工单 #{visitCaseId}',
    en: 'This target has a visit already: case #{visitCaseId}',
  },
  /** The campaign names no visit case type, so its targets cannot be escalated to visits. */
  'campaigns.no_visit_type': {
    kind: 'invalid',
    zh: '派单批次 {key} 未设置上门走访工单类型',
    en: 'Campaign {key} has no visit case type',
  },
  /** No target of the campaign has this key (or its follow-up lies outside the caller's scope). */
  'campaigns.target_not_found': {
    kind: 'not_found',
    zh: '派单目标 {key} 不存在',
    en: 'Campaign target {key} not found',
  },
});
