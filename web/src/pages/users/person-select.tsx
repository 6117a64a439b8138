import { Select, Spin } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { getPerson, listPeople } from '../../api/org';
import { queryKeys } from '../../api/query-keys';
import type { Person } from '../../api/types';

type Props = {
  id?: string;
  value?: number | null;
  onChange?: (value: number | null) => void;
  placeholder?: string;
};

const useDebounced = <T,>(value: T, ms: number): T => {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
};

const label = (p: Person) => [p.name, p.employeeNo, p.unitName].filter(Boolean).join(' · ');

/** Pick a person by typing a name or employee number (server-side search over the user's scope). */
export const PersonSelect = ({ id, value, onChange, placeholder }: Props) => {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const results = useQuery({
    queryKey: queryKeys.peopleList({ q, page: 1, pageSize: 20 }),
    queryFn: () => listPeople({ q: q || undefined, page: 1, pageSize: 20 }),
  });
  // The current person may not be on the first page of results: fetch it so its name shows.
  const current = useQuery({
    queryKey: queryKeys.person(value ?? 0),
    queryFn: () => getPerson(value ?? 0),
    enabled: typeof value === 'number',
  });

  const options = (results.data?.items ?? []).map((p) => ({ value: p.id, label: label(p) }));
  if (current.data && !options.some((o) => o.value === current.data.id)) {
    options.unshift({ value: current.data.id, label: label(current.data) });
  }

  return (
    <Select<number>
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      placeholder={placeholder}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      notFoundContent={results.isFetching ? <Spin size="small" /> : undefined}
      options={options}
      loading={results.isFetching}
    />
  );
};
