import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { caseKeys, listCaseTypes } from '../../api/cases';
import type { CasePermission, CaseType } from '../../api/cases';
import { useSession } from '../../auth/session-context';

/** The case types (with their definitions), cached: they change only when an administrator edits one. */
export const useCaseTypes = () => {
  const query = useQuery({ queryKey: caseKeys.types, queryFn: listCaseTypes, staleTime: 5 * 60_000 });
  const byKey = useMemo(() => new Map((query.data ?? []).map((type) => [type.key, type])), [query.data]);
  return { ...query, types: query.data ?? [], byKey };
};

/**
 * Whether the user holds a permission of the cases module. (The shared `Permission` type of the
 * session may not list the cases permissions yet; the session carries them as strings.)
 */
export const useCaseCan = () => {
  const { user } = useSession();
  return useCallback(
    (permission: CasePermission): boolean =>
      ((user?.permissions ?? []) as readonly string[]).includes(permission),
    [user],
  );
};

/** The type of a case by key, when the types are loaded. */
export const typeOf = (byKey: Map<string, CaseType>, key: string | null | undefined): CaseType | undefined =>
  key ? byKey.get(key) : undefined;

/** Tag colour of a priority: the first (most urgent) red, the last plain, those between orange. */
export const priorityColor = (type: CaseType | undefined, priorityKey: string): string => {
  const list = type?.definition.priorities ?? [];
  const index = list.findIndex((p) => p.key === priorityKey);
  if (index < 0 || list.length < 2) return 'default';
  if (index === 0) return 'red';
  if (index === list.length - 1) return 'default';
  return 'orange';
};
