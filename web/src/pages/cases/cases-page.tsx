import {
  BarChartOutlined,
  PlusOutlined,
  ReloadOutlined,
  TeamOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { Button, Card, Checkbox, Flex, Select, Switch, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType, TableProps } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { CASE_STATUSES, CASE_VIEWS, caseKeys, isOpenStatus, listCases, localName } from '../../api/cases';
import type { CaseStatus, CaseSummary, CaseType } from '../../api/cases';
import { ClockStatusBadge, DueText, useNow } from '../../components/case-clock';
import { CaseTreeSelect } from '../../components/case-pickers';
import { CaseStatusTag } from '../../components/case-status-tag';
import { PageHeader } from '../../components/page-header';
import { PagedTable } from '../../components/paged-table';
import { SearchInput } from '../../components/search-input';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { formatDateTime } from '../../lib/format';
import { useUnits } from '../../lib/use-units';
import { CaseBulkAssignModal } from './case-bulk-assign-modal';
import { CaseCreateDrawer } from './case-create-drawer';
import type { CaseCreateDefaults } from './case-create-drawer';
import type { CaseFilters } from './case-filters';
import {
  DEFAULT_FILTERS,
  filtersFromParams,
  filtersToParams,
  filtersToQuery,
  isFiltered,
} from './case-filters';
import { priorityColor, useCaseCan, useCaseTypes } from './case-hooks';
import { SavedViews } from './saved-views';

const DEFAULT_PAGE_SIZE = 20;
const PAGE_SIZES = [10, 20, 50, 100];

const dash = <Typography.Text type="secondary">—</Typography.Text>;

/** The priorities to filter by: the chosen type's, or those of all types (first of each key). */
const priorityOptions = (types: CaseType[], type: CaseType | undefined, lang: string) => {
  const seen = new Set<string>();
  return (type ? [type] : types)
    .flatMap((ct) => ct.definition.priorities)
    .filter((p) => !seen.has(p.key) && Boolean(seen.add(p.key)))
    .map((p) => ({ value: p.key, label: localName(p, lang) }));
};

/** 工单: the list with its view tabs, filters, saved views, bulk assignment and the registration drawer. */
export const CasesPage = () => {
  const { t, i18n } = useTranslation();
  const can = useCaseCan();
  const canWrite = can('cases.write');
  const canDispatch = can('cases.dispatch');
  const { data: units } = useUnits();
  const { types, byKey } = useCaseTypes();
  const now = useNow();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const sizeParam = Number(params.get('size'));
  const pageSize = PAGE_SIZES.includes(sizeParam) ? sizeParam : DEFAULT_PAGE_SIZE;

  const [search, setSearch] = useState(filters.q ?? '');
  // The box follows the URL (a saved view applied, the back button).
  useEffect(() => setSearch(filters.q ?? ''), [filters.q]);
  const [selected, setSelected] = useState<number[]>([]);
  const [bulkOpen, setBulkOpen] = useState(false);
  const [create, setCreate] = useState<CaseCreateDefaults | null>(null);

  const go = (next: CaseFilters, nextPage = 1, nextSize = pageSize) =>
    setParams(filtersToParams(next, nextPage, nextSize === DEFAULT_PAGE_SIZE ? undefined : nextSize));
  const update = (patch: Partial<CaseFilters>) => go({ ...filters, ...patch });

  const listQuery = { ...filtersToQuery(filters), page, pageSize };
  const query = useQuery({
    queryKey: caseKeys.list(listQuery),
    queryFn: () => listCases(listQuery),
    placeholderData: keepPreviousData,
    // Due times and clock states move on their own.
    refetchInterval: 60_000,
  });

  // Categories come from a type's definition: the chosen one, or the only one there is.
  const filterType = filters.caseType
    ? byKey.get(filters.caseType)
    : types.length === 1
      ? types[0]
      : undefined;

  const roots = (units ?? []).filter((u) => u.parentId === null);
  const defaultUnitId = filters.unitId ?? (roots.length === 1 ? (roots[0]?.id ?? null) : null);

  const columns: TableColumnsType<CaseSummary> = [
    {
      title: t('cases.field.title'),
      key: 'title',
      width: 300,
      fixed: 'left',
      render: (_v, c) => (
        <Flex vertical gap={2} align="flex-start" style={{ minWidth: 0 }}>
          <Link to={`/cases/${c.id}`} data-testid="case-row-link" data-case-id={c.id}>
            <Typography.Text type="secondary" style={{ marginInlineEnd: 6 }}>
              #{c.id}
            </Typography.Text>
            <Typography.Text strong style={{ color: 'inherit' }}>
              {c.title}
            </Typography.Text>
          </Link>
          {(c.repeatOfCaseId !== null || c.reopenCount > 0) && (
            <div>
              {c.repeatOfCaseId !== null && (
                <Tooltip title={t('cases.list.repeatOf', { id: c.repeatOfCaseId })}>
                  <Tag color="magenta" variant="filled">
                    {t('cases.list.repeat')}
                  </Tag>
                </Tooltip>
              )}
              {c.reopenCount > 0 && (
                <Tag color="volcano" variant="filled">
                  {t('cases.list.reopened', { n: c.reopenCount })}
                </Tag>
              )}
            </div>
          )}
        </Flex>
      ),
    },
    {
      title: t('cases.field.status'),
      dataIndex: 'status',
      width: 100,
      render: (status: CaseStatus) => <CaseStatusTag status={status} testId="case-row-status" />,
    },
    {
      title: t('cases.field.due'),
      key: 'due',
      width: 190,
      sorter: true,
      sortDirections: ['ascend'],
      sortOrder: filters.sort === 'due_asc' ? 'ascend' : null,
      render: (_v, c) =>
        c.clockStatus === null ? (
          dash
        ) : (
          <Flex vertical gap={0}>
            <ClockStatusBadge status={c.clockStatus} testId="case-row-clock" />
            {c.nextDueAt && isOpenStatus(c.status) && (
              <Tooltip title={formatDateTime(c.nextDueAt)}>
                <span style={{ fontSize: 12 }}>
                  <DueText dueAt={c.nextDueAt} now={now} />
                </span>
              </Tooltip>
            )}
          </Flex>
        ),
    },
    {
      title: `${t('cases.field.type')} · ${t('cases.field.category')}`,
      key: 'category',
      width: 180,
      render: (_v, c) => (
        <Flex vertical gap={0}>
          <span>{c.categoryName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {localName(c.caseType, i18n.language)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('cases.field.priority'),
      key: 'priority',
      width: 90,
      render: (_v, c) => (
        <Tag color={priorityColor(byKey.get(c.caseType.key), c.priorityKey)} style={{ marginInlineEnd: 0 }}>
          {c.priorityName}
        </Tag>
      ),
    },
    {
      title: t('cases.field.assignee'),
      key: 'assignee',
      width: 110,
      render: (_v, c) =>
        c.assignee ? (
          c.assignee.name
        ) : (
          <Typography.Text type="secondary">{t('cases.list.unassigned')}</Typography.Text>
        ),
    },
    { title: t('cases.field.unit'), key: 'unit', width: 140, ellipsis: true, render: (_v, c) => c.unit.name },
    {
      title: t('cases.field.customer'),
      key: 'customer',
      width: 120,
      ellipsis: true,
      render: (_v, c) => c.customer?.name ?? dash,
    },
    {
      title: t('cases.field.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      sorter: true,
      sortDirections: ['descend', 'ascend'],
      sortOrder:
        filters.sort === 'created_asc' ? 'ascend' : filters.sort === 'created_desc' ? 'descend' : null,
      render: formatDateTime,
    },
  ];

  const onTableChange: TableProps<CaseSummary>['onChange'] = (_pagination, _filters, sorter, extra) => {
    if (extra.action !== 'sort' || Array.isArray(sorter)) return;
    const sort =
      sorter.columnKey === 'due' && sorter.order
        ? 'due_asc'
        : sorter.columnKey === 'createdAt' && sorter.order === 'ascend'
          ? 'created_asc'
          : 'created_desc';
    update({ sort });
  };

  const emptyDescription =
    isFiltered(filters) || filters.view !== 'all' ? (
      t('cases.list.emptySearch')
    ) : (
      <>
        <div>{t('cases.list.empty')}</div>
        {canWrite && <div style={{ color: '#8c98a8', fontSize: 12 }}>{t('cases.list.emptyWrite')}</div>}
      </>
    );

  return (
    <>
      <PageHeader
        title={t('cases.title')}
        subtitle={t('cases.subtitle')}
        extra={
          <>
            <Button icon={<UnorderedListOutlined />} onClick={() => navigate('/cases-tally')}>
              {t('cases.tally.title')}
            </Button>
            <Button icon={<BarChartOutlined />} onClick={() => navigate('/case-figures')}>
              {t('cases.figures.title')}
            </Button>
            {canWrite && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreate({ caseType: filters.caseType, unitId: defaultUnitId })}
                data-testid="case-add"
              >
                {t('cases.add')}
              </Button>
            )}
          </>
        }
      />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={filters.view}
          onChange={(view) => {
            setSelected([]);
            update({ view: view as CaseFilters['view'] });
          }}
          items={CASE_VIEWS.map((view) => ({
            key: view,
            label: <span data-testid={`case-view-${view}`}>{t(`cases.views.${view}`)}</span>,
          }))}
          tabBarExtraContent={
            <Flex gap={8}>
              <Tooltip title={t('cases.refresh')}>
                <Button
                  type="text"
                  icon={<ReloadOutlined />}
                  aria-label={t('cases.refresh')}
                  onClick={() => void query.refetch()}
                  data-testid="case-refresh"
                />
              </Tooltip>
              <SavedViews current={filters} onApply={(next) => go(next)} />
            </Flex>
          }
        />
        <Flex align="center" gap={10} wrap style={{ marginBottom: 12 }}>
          <SearchInput
            placeholder={t('cases.filter.search')}
            style={{ width: 280 }}
            value={search}
            onValueChange={setSearch}
            onCommit={(q) => update({ q: q || undefined })}
            data-testid="case-search"
          />
          <Select<string>
            allowClear
            placeholder={t('cases.filter.allTypes')}
            aria-label={t('cases.field.type')}
            style={{ width: 150 }}
            value={filters.caseType}
            onChange={(caseType) => update({ caseType, category: undefined, priority: undefined })}
            options={types.map((ct) => ({ value: ct.key, label: localName(ct, i18n.language) }))}
            data-testid="case-filter-type"
          />
          <Tooltip title={filterType ? undefined : t('cases.filter.categoryNeedsType')}>
            <CaseTreeSelect
              nodes={filterType?.definition.categories}
              disabled={!filterType}
              placeholder={t('cases.filter.category')}
              aria-label={t('cases.field.category')}
              style={{ width: 170 }}
              value={filters.category}
              onChange={(category) => update({ category: category ?? undefined })}
              data-testid="case-filter-category"
            />
          </Tooltip>
          <Select<string>
            allowClear
            placeholder={t('cases.filter.priority')}
            aria-label={t('cases.field.priority')}
            style={{ width: 130 }}
            value={filters.priority}
            onChange={(priority) => update({ priority })}
            options={priorityOptions(types, filterType, i18n.language)}
            data-testid="case-filter-priority"
          />
          <Select<CaseStatus[]>
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            placeholder={t('cases.filter.status')}
            aria-label={t('cases.field.status')}
            style={{ width: 220 }}
            value={filters.status ?? []}
            onChange={(status) => update({ status: status.length ? status : undefined })}
            options={CASE_STATUSES.map((s) => ({ value: s, label: t(`cases.status.${s}`) }))}
            data-testid="case-filter-status"
          />
          <Checkbox
            checked={filters.open ?? false}
            onChange={(e) => update({ open: e.target.checked ? true : undefined })}
            data-testid="case-filter-open"
          >
            {t('cases.filter.openOnly')}
          </Checkbox>
          <Flex align="center" gap={10}>
            <UnitTreeSelect
              placeholder={t('cases.filter.unit')}
              aria-label={t('cases.field.unit')}
              style={{ width: 200 }}
              value={filters.unitId ?? null}
              onChange={(unitId) => update({ unitId: unitId ?? undefined })}
              data-testid="case-filter-unit"
            />
            <Switch
              id="cases-subtree"
              size="small"
              checked={filters.subtree}
              disabled={filters.unitId === undefined}
              onChange={(subtree) => update({ subtree })}
            />
            <label htmlFor="cases-subtree" style={{ cursor: 'pointer' }}>
              {t('cases.filter.includeSub')}
            </label>
          </Flex>
          {isFiltered(filters) && (
            <Button
              type="link"
              onClick={() => go({ ...DEFAULT_FILTERS, view: filters.view, sort: filters.sort })}
              data-testid="case-filter-clear"
            >
              {t('cases.filter.clear')}
            </Button>
          )}
        </Flex>
        {canDispatch && selected.length > 0 && (
          <Flex
            align="center"
            gap={12}
            style={{ marginBottom: 12, padding: '6px 12px', background: '#eef3fb', borderRadius: 6 }}
            data-testid="case-selection-bar"
          >
            <Typography.Text>{t('cases.bulk.selected', { count: selected.length })}</Typography.Text>
            <Button
              type="primary"
              size="small"
              icon={<TeamOutlined />}
              onClick={() => setBulkOpen(true)}
              data-testid="case-bulk-assign"
            >
              {t('cases.bulk.button')}
            </Button>
            <Button size="small" type="link" onClick={() => setSelected([])}>
              {t('cases.bulk.clear')}
            </Button>
          </Flex>
        )}
        <PagedTable<CaseSummary>
          testId="cases-table"
          query={query}
          columns={columns}
          scroll={{ x: 'max-content' }}
          emptyDescription={emptyDescription}
          onRetry={() => void query.refetch()}
          page={page}
          pageSize={pageSize}
          pageSizeOptions={PAGE_SIZES}
          onPageChange={(next) => go(filters, next)}
          onPageSizeChange={(size) => go(filters, 1, size)}
          onChange={onTableChange}
          rowSelection={
            canDispatch
              ? {
                  selectedRowKeys: selected,
                  preserveSelectedRowKeys: true,
                  onChange: (keys) => setSelected(keys.map(Number)),
                  getCheckboxProps: (c) => ({ disabled: !isOpenStatus(c.status) }),
                }
              : undefined
          }
        />
      </Card>
      <CaseCreateDrawer defaults={create} onClose={() => setCreate(null)} />
      <CaseBulkAssignModal
        caseIds={selected}
        open={bulkOpen}
        onClose={() => setBulkOpen(false)}
        onDone={(assigned) => setSelected((current) => current.filter((id) => !assigned.includes(id)))}
      />
    </>
  );
};
