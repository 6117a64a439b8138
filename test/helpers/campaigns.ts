import type { CaseTypeDefinitionInput } from '../../src/modules/cases/case-type.schema.js';

/** The follow-up of a subscriber disconnected for arrears (欠费拆机回访), as the telecom pack defines it. */
export const arrearsFollowUp: CaseTypeDefinitionInput = {
  key: 'telecom.arrears',
  name: '欠费拆机回访',
  nameEn: 'Arrears disconnection follow-up',
  fields: [
    { key: 'phone', label: '联系电话', labelEn: 'Contact phone', type: 'text' },
    { key: 'arrears', label: '欠费金额', type: 'number' },
    { key: 'package', label: '套餐', type: 'text' },
  ],
  categories: [
    { key: 'broadband', name: '宽带', nameEn: 'Broadband' },
    { key: 'mobile', name: '移动', nameEn: 'Mobile' },
  ],
  priorities: [{ key: 'normal', name: '一般' }],
  reasons: [
    {
      key: 'unreachable',
      name: '联系不上',
      children: [
        { key: 'unreachable.not_user', name: '号码非本人' },
        { key: 'unreachable.empty', name: '空号' },
        { key: 'unreachable.no_answer', name: '无人接听' },
      ],
    },
    { key: 'no_need', name: '无需求' },
    { key: 'other_carrier', name: '转入异网' },
    { key: 'other', name: '其他', children: [{ key: 'other.moved', name: '搬迁' }] },
  ],
  closing: {
    requireReason: true,
    requireFeedback: true,
    minFeedbackLength: 6,
    outcomeFields: [
      { key: 'reactivated', label: '是否激活', type: 'boolean', required: true },
      {
        key: 'reactivated_on',
        label: '激活日期',
        type: 'date',
        requiredWhen: { field: 'reactivated', equals: true },
      },
    ],
  },
  clocks: [{ key: 'followup', name: '回访反馈', startsAt: 'assigned', stopsAt: 'resolved' }],
  limits: [{ category: '*', priority: '*', limits: { followup: '3wd' } }],
};

/** The door-to-door visit an unreachable target is escalated to (上门走访): the target's arrears and package first. */
export const doorVisit: CaseTypeDefinitionInput = {
  key: 'telecom.visit',
  name: '欠费拆机上门走访',
  nameEn: 'Door-to-door visit',
  fields: [
    { key: 'arrears', label: '欠费金额', type: 'number' },
    { key: 'package', label: '套餐', type: 'text' },
    { key: 'address', label: '装机地址', type: 'text' },
  ],
  categories: [
    { key: 'broadband', name: '宽带' },
    { key: 'mobile', name: '移动' },
  ],
  priorities: [{ key: 'normal', name: '一般' }],
};
