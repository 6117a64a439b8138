import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z, ZodError } from 'zod';
import { isUniqueViolation } from '../db/database.js';
import { AppError, isAppError } from '../errors/app-error.js';
import type { ErrorCode, Locale } from '../errors/catalog.js';
import { errorCatalog, messageOf } from '../errors/catalog.js';
import { statusOfKind } from '../errors/define-errors.js';
import { localeOf } from './locale.js';

export type ErrorBody = { error: { code: ErrorCode; message: string; details: Record<string, unknown> } };

export type Issue = { path: string; message: string; code: string };

const zhLocale = z.locales.zhCN().localeError;
const enLocale = z.locales.en().localeError;

/** Re-renders a zod issue in the reply language (zod's own locales know every issue code). */
const localiseIssue = (
  issue: z.core.$ZodIssue | { code: string; message: string },
  locale: Locale,
): string => {
  const render = locale === 'en' ? enLocale : zhLocale;
  try {
    const text = render(issue as z.core.$ZodRawIssue);
    return (typeof text === 'string' ? text : text?.message) ?? issue.message;
  } catch {
    return issue.message;
  }
};

const issuesOfFastifyValidation = (error: FastifyError, locale: Locale): Issue[] =>
  (error.validation ?? []).map((v) => {
    const raw = { code: v.keyword, message: v.message ?? '', ...(v.params as object) };
    return {
      path: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].filter(Boolean).join('.'),
      code: v.keyword,
      // A custom check carries its own message; zod's locale would only say "invalid input".
      message: v.keyword === 'custom' && v.message ? v.message : localiseIssue(raw, locale),
    };
  });

/** Turns anything thrown into the application's error code and details. */
export const toAppError = (error: unknown, locale: Locale): AppError => {
  if (isAppError(error)) return error;
  if (error instanceof ZodError) {
    // A service validated its own input (e.g. called from the CLI with the same schemas).
    return new AppError('request.invalid', {
      issues: error.issues.map((i) => ({
        path: i.path.join('.'),
        code: i.code,
        message: localiseIssue(i, locale),
      })),
    });
  }
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    return new AppError('request.invalid', { issues: issuesOfFastifyValidation(fastifyError, locale) });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('request.malformed_json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('request.unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('request.invalid', {
        issues: [
          { path: 'content-length', code: 'invalid', message: 'Content-Length does not match the body' },
        ],
      });
  }
  // A race that a service's own uniqueness check could not see (two inserts at once).
  if (isUniqueViolation(error)) return new AppError('database.conflict');
  if (fastifyError.statusCode === 429) return new AppError('request.rate_limited');
  if (fastifyError.statusCode === 400 && error instanceof SyntaxError)
    return new AppError('request.malformed_json');
  return new AppError('internal.error');
};

/**
 * The one place where errors become HTTP replies: status from the code's kind, message in
 * the client's language, details as given. Unexpected errors are logged with their cause
 * and answered with a bare 500 that carries only the request id.
 */
export const handleError = async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
  const locale = localeOf(request);
  const appError = toAppError(error, locale);
  const status = statusOfKind(errorCatalog[appError.code].kind);
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
  }
  const details = status >= 500 ? { requestId: request.id } : appError.details;
  if (appError.code === 'auth.rate_limited' && typeof details.retryAfterSeconds === 'number') {
    void reply.header('retry-after', String(details.retryAfterSeconds));
  }
  const body: ErrorBody = {
    error: { code: appError.code, message: messageOf(appError.code, locale, appError.details), details },
  };
  return reply.status(status).type('application/json; charset=utf-8').send(body);
};

export const notFoundError = (request: FastifyRequest) =>
  new AppError('route.not_found', { method: request.method, path: request.url.split('?')[0] });
