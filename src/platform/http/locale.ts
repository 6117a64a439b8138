import type { FastifyRequest } from 'fastify';
import type { Locale } from '../errors/catalog.js';

/** The reply language: English when the client prefers it, Simplified Chinese otherwise. */
export const localeOf = (request: FastifyRequest): Locale => {
  const header = request.headers['accept-language'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
};
