import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random URL-safe token with an optional readable prefix (`gk_` for API tokens). */
export const randomToken = (prefix = '', bytes = 32): string =>
  prefix + randomBytes(bytes).toString('base64url');

/**
 * Keyed hash of a bearer secret for storage. A leaked table then holds nothing that
 * logs anyone in without the session secret too.
 */
export const hashToken = (secret: string, token: string): string =>
  createHmac('sha256', secret).update(token).digest('hex');

export const safeEqual = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};
