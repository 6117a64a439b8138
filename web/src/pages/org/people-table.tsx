import { DeleteOutlined, EditOutlined, HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Switch, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deletePerson, listPeople } from '../../api/org';
import { queryKeys } from '../../api/query-keys';
import type { Person, Unit } from '../../api/types';
import { PagedTable } from '../../components/paged-table';
import { SearchInput } from '../../components/search-input';
import { useConfirmDelete } from '../../lib/use-confirm-delete';
import { unitDisplayName } from '../../lib/unit-tree';
import { IconAction } from '../../components/icon-action';

type Props = {
  unit: Unit;
  canWrite: boolean;
  onAdd: () => void;
  onEdit: (person: Person) => void;
  onHistory: (person: Person) => void;
};

const DEFAULT_PAGE_SIZE = 20;

const dash = (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text>;

export const PeopleTable = ({ unit, canWrite, onAdd, onEdit, onHistory }: Props) => {
  const { t, i18n } = useTranslation();
  const [subtree, setSubtree] = useState(true);
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);

  // Another unit starts on its first page with an empty search (reset while rendering, so the old
  // page number is never requested for the new unit).
  const [stateUnitId, setStateUnitId] = useState(unit.id);
  if (stateUnitId !== unit.id) {
    setStateUnitId(unit.id);
    setPage(1);
    setSearch('');
    setQ('');
  }

  const params = { unitId: unit.id, subtree, q: q || undefined, page, pageSize };
  const query = useQuery({
    queryKey: queryKeys.peopleList(params),
    queryFn: () => listPeople(params),
    placeholderData: keepPreviousData,
  });

  const confirmDelete = useConfirmDelete({
    mutationFn: (person: Person) => deletePerson(person.id),
    invalidateKey: queryKeys.people,
    title: (person) => t('org.people.deleteTitle', { name: person.name }),
    content: t('org.people.deleteText'),
  });

  const columns: TableColumnsType<Person> = [
    {
      title: t('org.person.name'),
      dataIndex: 'name',
      width: 120,
      fixed: 'left',
      render: (name: string, p) => (
        <Typography.Text strong={p.active} type={p.active ? undefined : 'secondary'}>
          {name}
        </Typography.Text>
      ),
    },
    { title: t('org.person.employeeNo'), dataIndex: 'employeeNo', width: 110, render: dash },
    ...(subtree
      ? [
          {
            title: t('org.person.unit'),
            dataIndex: 'unitName',
            width: 150,
            ellipsis: true,
            render: (name: string) => name,
          },
        ]
      : []),
    { title: t('org.person.level'), dataIndex: 'level', width: 90, render: dash },
    { title: t('org.person.position'), dataIndex: 'position', width: 130, ellipsis: true, render: dash },
    { title: t('org.person.region'), dataIndex: 'region', width: 100, ellipsis: true, render: dash },
    { title: t('org.person.city'), dataIndex: 'city', width: 90, render: dash },
    { title: t('org.person.phone'), dataIndex: 'phone', width: 130, render: dash },
    { title: t('org.person.email'), dataIndex: 'email', width: 190, ellipsis: true, render: dash },
    {
      title: t('common.actions'),
      key: 'actions',
      width: canWrite ? 130 : 60,
      fixed: 'right',
      render: (_v, person) => (
        <Flex gap={2}>
          <IconAction
            title={t('org.history')}
            icon={<HistoryOutlined />}
            onClick={() => onHistory(person)}
            testId="person-history"
          />
          {canWrite && (
            <>
              <IconAction
                title={t('common.edit')}
                icon={<EditOutlined />}
                onClick={() => onEdit(person)}
                testId="person-edit"
              />
              <IconAction
                title={t('common.delete')}
                icon={<DeleteOutlined />}
                danger
                onClick={() => confirmDelete(person)}
                testId="person-delete"
              />
            </>
          )}
        </Flex>
      ),
    },
  ];

  const emptyDescription = q ? (
    t('org.people.emptySearch')
  ) : (
    <>
      <div>{t('org.people.empty')}</div>
      {canWrite && <div style={{ color: '#8c98a8', fontSize: 12 }}>{t('org.people.emptyWrite')}</div>}
    </>
  );

  return (
    <Card
      title={
        <span>
          {t('org.people.title')}
          <Typography.Text type="secondary" style={{ fontWeight: 400, marginInlineStart: 8, fontSize: 13 }}>
            {unitDisplayName(unit, i18n.language)}
          </Typography.Text>
        </span>
      }
      extra={
        canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={onAdd} data-testid="person-add">
            {t('org.people.add')}
          </Button>
        )
      }
    >
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <SearchInput
          placeholder={t('org.people.search')}
          style={{ width: 280 }}
          value={search}
          onValueChange={setSearch}
          onCommit={(next) => {
            setQ(next);
            setPage(1);
          }}
          data-testid="people-search"
        />
        <Flex align="center" gap={8}>
          <Switch
            id="people-subtree"
            size="small"
            checked={subtree}
            onChange={(checked) => {
              setSubtree(checked);
              setPage(1);
            }}
            data-testid="people-subtree"
          />
          <label htmlFor="people-subtree" style={{ cursor: 'pointer' }}>
            {t('org.people.includeSub')}
          </label>
        </Flex>
      </Flex>
      <PagedTable<Person>
        testId="people-table"
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
  );
};
