import { defineErrors } from '../../platform/errors/define-errors.js';

export const authErrors = defineErrors({
  /** No session cookie or API token, or it has expired or been revoked. */
  'auth.unauthenticated': { kind: 'unauthenticated', zh: '请先登录', en: 'Please log in' },
  /** Wrong username or password (never says which). */
  'auth.invalid_credentials': {
    kind: 'unauthenticated',
    zh: '用户名或密码错误',
    en: 'Wrong username or password',
  },
  /** Too many failed logins for this username or address; `details.retryAfterSeconds`. */
  'auth.rate_limited': {
    kind: 'rate_limited',
    zh: '登录失败次数过多，请 {retryAfterSeconds} 秒后再试',
    en: 'Too many failed logins, try again in {retryAfterSeconds} seconds',
  },
  /** The caller's roles do not allow this operation. */
  'auth.forbidden': { kind: 'forbidden', zh: '没有权限执行此操作', en: 'You are not allowed to do this' },
  /** A state-changing request with a session cookie lacked the matching X-CSRF-Token header. */
  'auth.csrf_failed': {
    kind: 'forbidden',
    zh: '安全校验失败，请刷新页面后重试',
    en: 'Security check failed; reload the page and try again',
  },
  /** The current password given for a password change is wrong. */
  'auth.wrong_password': { kind: 'invalid', zh: '当前密码不正确', en: 'The current password is wrong' },
  /** The API token does not exist or belongs to someone else. */
  'auth.token_not_found': { kind: 'not_found', zh: 'API 令牌不存在', en: 'API token not found' },
});
