import { defineErrors } from '../../platform/errors/define-errors.js';

export const notificationsErrors = defineErrors({
  /** The inbox item does not exist or belongs to another user (a user sees only his own). */
  'notifications.not_found': { kind: 'not_found', zh: '通知不存在', en: 'Notification not found' },
  /** The inbox belongs to a user; the system actor has none. */
  'notifications.no_inbox': {
    kind: 'forbidden',
    zh: '只有登录用户才有通知收件箱',
    en: 'Only a signed-in user has an inbox',
  },
  /** The webhook endpoint does not exist or is bound to a unit outside the caller's scope. */
  'notifications.endpoint_not_found': {
    kind: 'not_found',
    zh: 'Webhook 端点不存在',
    en: 'Webhook endpoint not found',
  },
  /** An endpoint not bound to a unit receives the whole organisation's matters: it needs an organisation-wide administrator. */
  'notifications.global_endpoint_forbidden': {
    kind: 'forbidden',
    zh: '未绑定单元的 Webhook 端点需要全组织范围的管理权限',
    en: 'An endpoint for the whole organisation needs organisation-wide administration rights',
  },
  /** WeCom group robots have no signing scheme (the key is in the URL), so a secret would never be used. */
  'notifications.secret_not_supported': {
    kind: 'invalid',
    zh: '{kind} 类型的端点不支持签名密钥',
    en: 'Endpoints of kind {kind} do not support a signing secret',
  },
});
