import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo } from 'react';
import type { ReactNode } from 'react';
import { fetchSession, login as loginRequest, logout as logoutRequest } from '../api/auth';
import { configureApiClient } from '../api/client';
import { queryKeys } from '../api/query-keys';
import type { Me, Permission, Session } from '../api/types';
import { currentLanguage, hasStoredLanguage, setLanguage } from '../i18n';

export type SessionContextValue = {
  /** `undefined` while the first probe runs, `null` when nobody is logged in. */
  session: Session | null | undefined;
  user: Me | null;
  isLoading: boolean;
  error: unknown;
  can: (permission: Permission) => boolean;
  login: (input: { username: string; password: string }) => Promise<Session>;
  logout: () => Promise<void>;
  /** Replaces the cached user (after PATCH /auth/me). */
  setUser: (user: Me) => void;
};

const SessionContext = createContext<SessionContextValue | null>(null);

export const SessionProvider = ({ children }: { children: ReactNode }) => {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.session,
    queryFn: fetchSession,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: 1,
  });

  // Any 401 from the API means the session ended: forget it, and the route guard sends the user to
  // /login (remembering where he was). Cached data of the old session is dropped with it.
  useEffect(() => {
    configureApiClient({
      onUnauthenticated: () => {
        queryClient.setQueryData(queryKeys.session, null);
        queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] });
      },
    });
    return () => configureApiClient({ onUnauthenticated: null });
  }, [queryClient]);

  const session = query.data;
  const user = session?.user ?? null;

  // The account's language applies until the user picks one in this browser.
  useEffect(() => {
    if (user && !hasStoredLanguage() && user.locale !== currentLanguage()) {
      void setLanguage(user.locale, { persist: false });
    }
  }, [user]);

  const login = useCallback(
    async (input: { username: string; password: string }) => {
      const next = await loginRequest(input);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] });
      queryClient.setQueryData(queryKeys.session, next);
      return next;
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await logoutRequest();
    } finally {
      queryClient.setQueryData(queryKeys.session, null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] });
    }
  }, [queryClient]);

  const setUser = useCallback(
    (nextUser: Me) => {
      queryClient.setQueryData<Session | null>(queryKeys.session, (old) =>
        old ? { ...old, user: nextUser } : old,
      );
    },
    [queryClient],
  );

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      user,
      isLoading: query.isPending,
      error: query.error,
      can: (permission) => user?.permissions.includes(permission) ?? false,
      login,
      logout,
      setUser,
    }),
    [session, user, query.isPending, query.error, login, logout, setUser],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
};

export const useSession = (): SessionContextValue => {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
};

export const useCan = (permission: Permission): boolean => useSession().can(permission);
