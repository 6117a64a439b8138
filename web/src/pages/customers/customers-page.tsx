import { DeleteOutlined, EditOutlined, HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Select, Switch, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteCustomer, listCustomerAudit, listCustomers } from '../../api/customers';
import { queryKeys } from '../../api/query-keys';
import { CUSTOMER_TAGS } from '../../api/types';
import type { Customer, CustomerTag } from '../../api/types';
import { useSession } from '../../auth/session-context';
import { HistoryDrawer } from '../../components/history-drawer';
import type { HistoryTarget } from '../../components/history-drawer';
import { PageHeader } from '../../components/page-header';
import { PagedTable } from '../../components/paged-table';
import { SearchInput } from '../../components/search-input';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { useConfirmDelete } from '../../lib/use-confirm-delete';
import { useUnits } from '../../lib/use-units';
import { CustomerFormDrawer } from './customer-form-drawer';
import type { CustomerFormMode } from './customer-form-drawer';
import { CustomerPhones } from './customer-phones';
import { CustomerTags } from './customer-tags';
import { IconAction } from '../../components/icon-action';

const DEFAULT_PAGE_SIZE = 20;

const dash = (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text>;

export const CustomersPage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const canWrite = can('customers.write');
  const canHistory = can('audit.read');
  const { data: units } = useUnits();
  const [unitId, setUnitId] = useState<number | null>(null);
  const [subtree, setSubtree] = useState(true);
  const [tag, setTag] = useState<CustomerTag | null>(null);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const [form, setForm] = useState<CustomerFormMode | null>(null);
  const [history, setHistory] = useState<HistoryTarget | null>(null);

  const params = {
    unitId: unitId ?? undefined,
    subtree: unitId === null ? undefined : subtree,
    q: q || undefined,
    tag: tag ?? undefined,
    page,
    pageSize,
  };
  const query = useQuery({
    queryKey: queryKeys.customersList(params),
    queryFn: () => listCustomers(params),
    placeholderData: keepPreviousData,
  });

  const confirmDelete = useConfirmDelete({
    mutationFn: (customer: Customer) => deleteCustomer(customer.id),
    invalidateKey: queryKeys.customers,
    title: (customer) => t('customers.deleteTitle', { name: customer.name }),
    content: t('customers.deleteText'),
  });

  // A new customer goes to the filtered unit, or to the only top unit when there is just one.
  const roots = (units ?? []).filter((u) => u.parentId === null);
  const defaultUnitId = unitId ?? (roots.length === 1 ? (roots[0]?.id ?? null) : null);

  const customerHistory = (customer: Customer): HistoryTarget => ({
    title: customer.name,
    queryKey: queryKeys.customerAudit(customer.id),
    load: () => listCustomerAudit(customer.id),
  });

  const columns: TableColumnsType<Customer> = [
    {
      title: t('customers.name'),
      dataIndex: 'name',
      width: 200,
      fixed: 'left',
      render: (name: string, c) => (
        <Flex vertical gap={2} align="flex-start">
          <Typography.Text strong>{name}</Typography.Text>
          {c.tags.length > 0 && (
            <div>
              <CustomerTags tags={c.tags} />
            </div>
          )}
        </Flex>
      ),
    },
    {
      title: t('customers.kind'),
      dataIndex: 'kind',
      width: 80,
      render: (kind: Customer['kind']) => t(`customers.kinds.${kind}`),
    },
    { title: t('customers.unit'), dataIndex: 'unitName', width: 150, ellipsis: true },
    {
      title: t('customers.phones'),
      key: 'phones',
      width: 170,
      render: (_v, c) => <CustomerPhones customer={c} />,
    },
    {
      title: t('customers.address'),
      key: 'address',
      width: 240,
      render: (_v, c) => {
        const place = [c.building, c.room].filter((p): p is string => p !== null).join(' · ');
        if (c.address === null && place === '') return dash(null);
        return (
          <Flex vertical>
            {c.address !== null && <span>{c.address}</span>}
            {place !== '' && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {place}
              </Typography.Text>
            )}
          </Flex>
        );
      },
    },
    { title: t('customers.externalKey'), dataIndex: 'externalKey', width: 130, render: dash },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 110,
      fixed: 'right',
      render: (_v, customer) => (
        <Flex gap={2}>
          {canHistory && (
            <IconAction
              title={t('org.history')}
              icon={<HistoryOutlined />}
              onClick={() => setHistory(customerHistory(customer))}
              testId="customer-history"
            />
          )}
          {canWrite && (
            <>
              <Tooltip title={t('common.edit')}>
                <Button
                  type="text"
                  size="small"
                  icon={<EditOutlined />}
                  aria-label={t('common.edit')}
                  onClick={() => setForm({ type: 'edit', customer })}
                  data-testid="customer-edit"
                />
              </Tooltip>
              <IconAction
                title={t('common.delete')}
                icon={<DeleteOutlined />}
                danger
                onClick={() => confirmDelete(customer)}
                testId="customer-delete"
              />
            </>
          )}
        </Flex>
      ),
    },
  ];

  const filtered = q !== '' || tag !== null || unitId !== null;
  const emptyDescription = filtered ? (
    t('customers.emptySearch')
  ) : (
    <>
      <div>{t('customers.empty')}</div>
      {canWrite && <div style={{ color: '#8c98a8', fontSize: 12 }}>{t('customers.emptyWrite')}</div>}
    </>
  );

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        subtitle={t('customers.subtitle')}
        extra={
          canWrite && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setForm({ type: 'create', unitId: defaultUnitId })}
              data-testid="customer-add"
            >
              {t('customers.add')}
            </Button>
          )
        }
      />
      <Card>
        <Flex align="center" gap={12} wrap style={{ marginBottom: 12 }}>
          <UnitTreeSelect
            placeholder={t('customers.unitPlaceholder')}
            aria-label={t('customers.unitFilter')}
            style={{ width: 220 }}
            value={unitId}
            onChange={(next) => {
              setUnitId(next);
              setPage(1);
            }}
            data-testid="customer-unit-filter"
          />
          <Flex align="center" gap={8}>
            <Switch
              id="customers-subtree"
              size="small"
              checked={subtree}
              disabled={unitId === null}
              onChange={(checked) => {
                setSubtree(checked);
                setPage(1);
              }}
              data-testid="customer-subtree"
            />
            <label htmlFor="customers-subtree" style={{ cursor: 'pointer' }}>
              {t('customers.includeSub')}
            </label>
          </Flex>
          <Select<CustomerTag>
            allowClear
            placeholder={t('customers.tagFilter')}
            aria-label={t('customers.tags')}
            style={{ width: 140 }}
            value={tag ?? undefined}
            onChange={(next) => {
              setTag(next ?? null);
              setPage(1);
            }}
            options={CUSTOMER_TAGS.map((value) => ({ value, label: t(`customers.tagNames.${value}`) }))}
            data-testid="customer-tag-filter"
          />
          <SearchInput
            placeholder={t('customers.search')}
            style={{ width: 320 }}
            value={search}
            onValueChange={setSearch}
            onCommit={(next) => {
              setQ(next);
              setPage(1);
            }}
            data-testid="customer-search"
          />
        </Flex>
        <PagedTable<Customer>
          testId="customers-table"
          query={query}
          columns={columns}
          scroll={{ x: 'max-content' }}
          emptyDescription={emptyDescription}
          onRetry={() => void query.refetch()}
          page={page}
          pageSize={pageSize}
          pageSizeOptions={[10, 20, 50, 100]}
          onPageChange={setPage}
          onPageSizeChange={setPageSize}
        />
      </Card>
      <CustomerFormDrawer mode={form} onClose={() => setForm(null)} />
      <HistoryDrawer target={history} onClose={() => setHistory(null)} />
    </>
  );
};
