import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';
import { i18n } from '../i18n';

/** Words for any error: the API's own localised message, never a stack. */
export const errorText = (error: unknown): string => {
  if (error instanceof ApiError) return error.message;
  return i18n.t('errors.unknown');
};

// The server prefixes each path with the part of the request it came from (body., querystring.).
const requestParts = new Set(['body', 'querystring', 'params', 'headers']);

const toNamePath = (path: string | (string | number)[]): (string | number)[] => {
  const all = Array.isArray(path) ? path : path.split('.').filter(Boolean);
  const parts = typeof all[0] === 'string' && requestParts.has(all[0]) ? all.slice(1) : all;
  return parts.map((p) => (typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p));
};

/**
 * Puts the field issues of a `request.invalid` answer onto the form fields they name.
 * Returns true when at least one issue landed on a field of the form (then no toast is needed).
 */
export const applyFormErrors = (form: FormInstance, error: unknown): boolean => {
  if (!(error instanceof ApiError) || error.issues.length === 0) return false;
  const known = new Set(form.getFieldsError().map((f) => JSON.stringify(f.name)));
  const fields = error.issues
    .map((issue) => ({ name: toNamePath(issue.path), errors: [issue.message] }))
    .filter((f) => f.name.length > 0 && known.has(JSON.stringify(f.name)));
  if (fields.length === 0) return false;
  form.setFields(fields);
  return true;
};
