import type { ErrorCode } from './catalog.js';

/**
 * The one error type of the application. Domain code throws it with a code from the
 * catalog; the HTTP layer maps the code to a status and a localised message in one place.
 * `details` must never carry secrets: it is sent to the client as is.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
