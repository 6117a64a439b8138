// A small fetch client for /api/v1: JSON in and out, same-origin cookies, the CSRF header on
// state-changing requests, the UI language as Accept-Language, and one typed error shape.

import type { ValidationIssue } from './types';

export const API_BASE = '/api/v1';

type ErrorBody = { error?: { code?: unknown; message?: unknown; details?: unknown } };

/** An error answered by the API (or a transport failure mapped to the same shape). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field issues of a `request.invalid` answer, if any. */
  get issues(): ValidationIssue[] {
    const raw = this.details?.['issues'];
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (i): i is ValidationIssue =>
        typeof i === 'object' && i !== null && typeof (i as { message?: unknown }).message === 'string',
    );
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

type ClientState = {
  csrfToken: string | null;
  getLanguage: () => string;
  onUnauthenticated: (() => void) | null;
  /** Words for failures that carry no API message (network down, proxy error pages). */
  fallbackMessage: (kind: 'network' | 'http', status?: number) => string;
};

const state: ClientState = {
  csrfToken: null,
  getLanguage: () => 'zh-CN',
  onUnauthenticated: null,
  fallbackMessage: (kind, status) => (kind === 'network' ? 'Network error' : `HTTP ${status ?? ''}`),
};

export const setCsrfToken = (token: string | null): void => {
  state.csrfToken = token;
};

export const configureApiClient = (options: Partial<Omit<ClientState, 'csrfToken'>>): void => {
  Object.assign(state, options);
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | null | undefined>;

export type RequestOptions = {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not run the global 401 handler (used by the session probe and login itself). */
  skipAuthRedirect?: boolean;
};

const buildUrl = (path: string, query?: Query): string => {
  const url = `${API_BASE}${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
};

const parseError = async (res: Response): Promise<ApiError> => {
  let body: ErrorBody | null = null;
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    body = null;
  }
  const err = body?.error;
  if (err && typeof err.code === 'string') {
    const message = typeof err.message === 'string' && err.message ? err.message : err.code;
    const details =
      typeof err.details === 'object' && err.details !== null
        ? (err.details as Record<string, unknown>)
        : undefined;
    return new ApiError(res.status, err.code, message, details);
  }
  return new ApiError(res.status, `http.${res.status}`, state.fallbackMessage('http', res.status));
};

export const request = async <T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> => {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': state.getLanguage(),
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrfToken) headers['X-CSRF-Token'] = state.csrfToken;

  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network.error', state.fallbackMessage('network'));
  }

  if (!res.ok) {
    const error = await parseError(res);
    if (res.status === 401 && !options.skipAuthRedirect) state.onUnauthenticated?.();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
};

/**
 * POSTs a file as the raw request body (the JSON client cannot send one), for uploads. The CSRF
 * token and language come from the caller (the session holds them); `fallbackMessage` words a
 * failure that carries no API message.
 */
export const postRawBody = async <T>(
  path: string,
  body: Blob,
  {
    headers: extra,
    csrfToken,
    language,
    fallbackMessage,
  }: {
    headers: Record<string, string>;
    csrfToken: string | null;
    language: string;
    fallbackMessage: string;
  },
): Promise<T> => {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': language,
    ...extra,
  };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, { method: 'POST', headers, credentials: 'same-origin', body });
  } catch {
    throw new ApiError(0, 'network.error', fallbackMessage);
  }
  if (!res.ok) {
    const error = await parseError(res);
    // Not JSON (a proxy's error page): the caller's words stand.
    throw error.code === `http.${res.status}` ? new ApiError(res.status, error.code, fallbackMessage) : error;
  }
  return (await res.json()) as T;
};

export const api = {
  get: <T>(path: string, query?: Query, options?: Omit<RequestOptions, 'query' | 'body'>) =>
    request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};
