import { Select, Spin, TreeSelect, Typography } from 'antd';
import type { SelectProps, TreeSelectProps } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Assignee, TreeNode } from '../api/cases';
import { caseKeys, localName, searchAssignees } from '../api/cases';
import { listCustomers } from '../api/customers';
import { queryKeys } from '../api/query-keys';
import type { Customer } from '../api/types';
import { errorText } from '../lib/api-errors';

const useDebounced = <T,>(value: T, ms: number): T => {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
};

type PickerProps = Omit<SelectProps<number>, 'value' | 'onChange' | 'options' | 'showSearch' | 'mode'> & {
  value?: number | null;
  onChange?: (value: number | null) => void;
};

const userLabel = (u: Assignee) => `${u.name}（${u.username}）`;

/**
 * Pick a user (an assignee) by typing a name or user name: server-side search over GET /users.
 * `initial` names the current value when it may not be on the first page of results.
 */
export const CaseUserSelect = ({
  value,
  onChange,
  initial,
  ...rest
}: PickerProps & { initial?: { id: number; name: string } | null }) => {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const results = useQuery({
    queryKey: caseKeys.assignees(q),
    queryFn: () => searchAssignees(q || undefined),
  });
  const options = (results.data ?? []).map((u) => ({ value: u.id, label: userLabel(u) }));
  if (initial && !options.some((o) => o.value === initial.id))
    options.unshift({ value: initial.id, label: initial.name });

  return (
    <Select<number>
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      placeholder={t('cases.userSelect.placeholder')}
      {...rest}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      loading={results.isFetching}
      notFoundContent={
        results.isFetching ? (
          <Spin size="small" />
        ) : results.isError ? (
          <Typography.Text type="danger" style={{ fontSize: 12 }}>
            {t('cases.userSelect.failed')}：{errorText(results.error)}
          </Typography.Text>
        ) : undefined
      }
      options={options}
    />
  );
};

const customerLabel = (c: Customer) =>
  [c.name, c.externalKey, [c.building, c.room].filter(Boolean).join('-') || null, c.unitName]
    .filter(Boolean)
    .join(' · ');

/**
 * Pick a customer by typing a name, external key or phone number (GET /customers?q=). The chosen
 * customer is handed to `onPick` too, so that a form can take over its unit.
 */
export const CaseCustomerSelect = ({
  value,
  onChange,
  onPick,
  ...rest
}: PickerProps & { onPick?: (customer: Customer | null) => void }) => {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const params = { q: q || undefined, page: 1, pageSize: 20 };
  const results = useQuery({
    queryKey: queryKeys.customersList(params),
    queryFn: () => listCustomers(params),
  });
  const items = results.data?.items ?? [];
  return (
    <Select<number>
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      {...rest}
      value={value ?? undefined}
      onChange={(v) => {
        onChange?.(v ?? null);
        onPick?.(items.find((c) => c.id === v) ?? null);
      }}
      loading={results.isFetching}
      notFoundContent={results.isFetching ? <Spin size="small" /> : undefined}
      options={items.map((c) => ({ value: c.id, label: customerLabel(c) }))}
    />
  );
};

type TreeOption = { value: string; title: string; children: TreeOption[] };

/** Tree-select data of a category tree or reason taxonomy, names in the UI language. */
export const useTreeData = (nodes: readonly TreeNode[] | undefined): TreeOption[] => {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const toOption = (node: TreeNode): TreeOption => ({
      value: node.key,
      title: localName(node, i18n.language),
      children: (node.children ?? []).map(toOption),
    });
    return (nodes ?? []).map(toOption);
  }, [nodes, i18n.language]);
};

/** Pick one node (branch or leaf) of a category tree or reason taxonomy of a case type. */
export const CaseTreeSelect = ({
  nodes,
  value,
  onChange,
  ...rest
}: Omit<TreeSelectProps<string>, 'treeData' | 'value' | 'onChange'> & {
  nodes: readonly TreeNode[] | undefined;
  value?: string | null;
  onChange?: (value: string | null) => void;
}) => {
  const treeData = useTreeData(nodes);
  return (
    <TreeSelect<string>
      showSearch
      allowClear
      treeDefaultExpandAll
      treeNodeFilterProp="title"
      treeData={treeData}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { maxHeight: 420, minWidth: 240 } } }}
      {...rest}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
    />
  );
};
