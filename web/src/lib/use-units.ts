import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { listUnits } from '../api/org';
import { queryKeys } from '../api/query-keys';
import type { Unit } from '../api/types';

const selectItems = (data: { items: Unit[] }): Unit[] => data.items;

/** All units the user may read (flat), cached and shared by the tree, the selectors and the audit views. */
export const useUnits = (options: { enabled?: boolean } = {}) =>
  useQuery({
    queryKey: queryKeys.units,
    queryFn: listUnits,
    select: selectItems,
    enabled: options.enabled ?? true,
  });

export const useUnitMap = (): Map<number, Unit> => {
  const { data } = useUnits();
  return useMemo(() => new Map((data ?? []).map((u) => [u.id, u])), [data]);
};
