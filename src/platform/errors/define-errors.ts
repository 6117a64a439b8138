/**
 * What kind of failure an error code is. The HTTP status follows from the kind
 * (see `statusOfKind`), so no route or service ever picks a status itself.
 */
export type ErrorKind =
  | 'invalid' // 400: the input is wrong; details name the field or row
  | 'unauthenticated' // 401: no valid session or token
  | 'forbidden' // 403: authenticated, but the role does not allow it
  | 'not_found' // 404: absent, or outside the caller's unit scope (never tell which)
  | 'conflict' // 409: the request clashes with the current state
  | 'too_large' // 413: the body is over the limit
  | 'rate_limited' // 429: too many attempts
  | 'unavailable' // 503: a dependency (the database) does not answer
  | 'internal'; // 500: a bug

export type ErrorDefinition = {
  kind: ErrorKind;
  /** Message in Simplified Chinese; `{name}` is replaced by `details.name`. */
  zh: string;
  /** Message in English; same placeholders. */
  en: string;
};

/** Keeps the literal keys of a module's error table while checking its shape. */
export const defineErrors = <T extends Record<string, ErrorDefinition>>(table: T): T => table;

/** The single mapping from error kind to HTTP status; exhaustive by construction. */
export const statusOfKind = (kind: ErrorKind): number => {
  switch (kind) {
    case 'invalid':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
};
