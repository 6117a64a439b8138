import { defineErrors } from '../../platform/errors/define-errors.js';

export const customersErrors = defineErrors({
  /** The customer does not exist or lies outside the caller's scope. */
  'customers.not_found': { kind: 'not_found', zh: '客户不存在', en: 'Customer not found' },
  /** Another customer already has this external key (subscriber, room or account number). */
  'customers.external_key_taken': {
    kind: 'conflict',
    zh: '客户编号 {externalKey} 已被使用',
    en: 'Customer key {externalKey} is already in use',
  },
});
