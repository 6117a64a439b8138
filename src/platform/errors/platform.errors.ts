import { defineErrors } from './define-errors.js';

export const platformErrors = defineErrors({
  /** The request body, query or params failed validation; `details.issues` lists each field. */
  'request.invalid': { kind: 'invalid', zh: '请求参数有误', en: 'The request is invalid' },
  /** The body is not parseable JSON. */
  'request.malformed_json': {
    kind: 'invalid',
    zh: '请求体不是有效的 JSON',
    en: 'The request body is not valid JSON',
  },
  /** The body is larger than GUANKONG_BODY_LIMIT. */
  'request.too_large': { kind: 'too_large', zh: '请求体过大', en: 'The request body is too large' },
  /** The content type of the body is not accepted by this route. */
  'request.unsupported_media_type': {
    kind: 'invalid',
    zh: '不支持的请求内容类型',
    en: 'Unsupported content type',
  },
  /** No route matches the method and path. */
  'route.not_found': {
    kind: 'not_found',
    zh: '接口不存在：{method} {path}',
    en: 'No such route: {method} {path}',
  },
  /** Too many requests of a kind from one client. */
  'request.rate_limited': {
    kind: 'rate_limited',
    zh: '请求过于频繁，请稍后再试',
    en: 'Too many requests, try again later',
  },
  /** The database does not answer. */
  'database.unavailable': { kind: 'unavailable', zh: '数据库不可用', en: 'The database is unavailable' },
  /** A unique constraint was hit by a concurrent or repeated write. */
  'database.conflict': {
    kind: 'conflict',
    zh: '数据已存在或已被修改',
    en: 'The data already exists or was changed',
  },
  /** An unexpected failure; the log has the cause, the client only a request id. */
  'internal.error': { kind: 'internal', zh: '服务器内部错误', en: 'Internal server error' },
  /** A configuration value is missing or wrong (start-up and CLI only). */
  'config.invalid': { kind: 'invalid', zh: '配置有误：{variable}', en: 'Invalid configuration: {variable}' },
});
