import { defineErrors } from '../../platform/errors/define-errors.js';

export const orgErrors = defineErrors({
  /** The unit does not exist or lies outside the caller's scope. */
  'org.unit_not_found': { kind: 'not_found', zh: '组织单元不存在', en: 'Unit not found' },
  /** Another unit already uses this code. */
  'org.unit_code_taken': {
    kind: 'conflict',
    zh: '单元编码 {code} 已被使用',
    en: 'Unit code {code} is already in use',
  },
  /** A unit with sub-units, people or role grants cannot be deleted. */
  'org.unit_not_empty': {
    kind: 'conflict',
    zh: '该单元下还有下级单元、人员或授权，不能删除',
    en: 'The unit still has sub-units, people or role grants',
  },
  /** Moving a unit under itself or one of its descendants. */
  'org.unit_cycle': {
    kind: 'invalid',
    zh: '不能把单元移到它自己或其下级之下',
    en: 'A unit cannot be moved under itself or its descendants',
  },
  /** Only an organisation-wide administrator may create a top-level unit. */
  'org.root_forbidden': {
    kind: 'forbidden',
    zh: '只有全局管理员可以创建顶级单元',
    en: 'Only an organisation-wide administrator may create a top-level unit',
  },
  /** The person does not exist or lies outside the caller's scope. */
  'org.person_not_found': { kind: 'not_found', zh: '人员不存在', en: 'Person not found' },
  /** Another person already has this employee number. */
  'org.employee_no_taken': {
    kind: 'conflict',
    zh: '工号 {employeeNo} 已被使用',
    en: 'Employee number {employeeNo} is already in use',
  },
  /** The user does not exist or lies outside the caller's scope. */
  'org.user_not_found': { kind: 'not_found', zh: '用户不存在', en: 'User not found' },
  /** Another user already has this login name. */
  'org.username_taken': {
    kind: 'conflict',
    zh: '用户名 {username} 已被使用',
    en: 'Username {username} is already in use',
  },
  /** The person is already linked to another user account. */
  'org.person_already_linked': {
    kind: 'conflict',
    zh: '该人员已关联其他用户',
    en: 'The person is already linked to another user',
  },
  /** A role grant on a unit outside the granting administrator's own scope. */
  'org.grant_outside_scope': {
    kind: 'forbidden',
    zh: '不能在自己管辖范围之外授权',
    en: 'Cannot grant a role outside your own scope',
  },
});
