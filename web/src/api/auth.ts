import { ApiError, api, setCsrfToken } from './client';
import type { Locale, Me, Session } from './types';

/** The current session, or `null` when nobody is logged in. Stores the CSRF token it returns. */
export const fetchSession = async (): Promise<Session | null> => {
  try {
    const session = await api.get<Session>('/auth/session', undefined, { skipAuthRedirect: true });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
};

export const login = async (input: { username: string; password: string }): Promise<Session> => {
  const session = await api.post<Session>('/auth/login', input, { skipAuthRedirect: true });
  setCsrfToken(session.csrfToken);
  return session;
};

export const logout = async (): Promise<void> => {
  try {
    await api.post<void>('/auth/logout', undefined, { skipAuthRedirect: true });
  } finally {
    setCsrfToken(null);
  }
};

export const changePassword = (input: { currentPassword: string; newPassword: string }): Promise<void> =>
  api.post<void>('/auth/password', input);

export const updateMe = (input: { locale?: Locale; displayName?: string }): Promise<Me> =>
  api.patch<Me>('/auth/me', input);
