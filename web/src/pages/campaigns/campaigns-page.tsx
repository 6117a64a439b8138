import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { campaignKeys, listCampaigns } from '../../api/campaigns';
import type { AssignmentRule, Campaign } from '../../api/campaigns';
import { findNode, localName } from '../../api/cases';
import { PageHeader } from '../../components/page-header';
import { errorText } from '../../lib/api-errors';
import { formatDateTime } from '../../lib/format';
import { useCaseCan, useCaseTypes } from '../cases/case-hooks';
import { CampaignCreateDrawer } from './campaign-create-drawer';

/** The rule in a few words: by grid code, through a table of N values, or all to one unit. */
export const useRuleText = () => {
  const { t } = useTranslation();
  return (rule: AssignmentRule): string => {
    const by =
      rule.by === 'mapping'
        ? t('campaigns.rule.mappingCount', { n: Object.keys(rule.map).length })
        : rule.by === 'single_unit'
          ? `${t('campaigns.rule.single_unit')} ${rule.unitCode}`
          : t('campaigns.rule.unit_column');
    return `${by} · ${t(`campaigns.assignTo.${rule.assignTo}`)}`;
  };
};

/** 派单 (/campaigns): the campaigns in the user's scope, newest first; 新建派单 dispatches a list. */
export const CampaignsPage = () => {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const can = useCaseCan();
  const canDispatch = can('cases.dispatch');
  const { byKey } = useCaseTypes();
  const ruleText = useRuleText();
  // ?create=LIST opens the drawer on an imported list (the import page links here).
  const [params, setParams] = useSearchParams();
  const createList = params.get('create');
  const creating = params.has('create');
  const setCreating = (open: boolean, list?: string) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (open) next.set('create', list ?? '');
        else next.delete('create');
        return next;
      },
      { replace: true },
    );

  const query = useQuery({ queryKey: campaignKeys.list, queryFn: listCampaigns });
  const items = [...(query.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);

  const columns: TableColumnsType<Campaign> = [
    {
      title: t('campaigns.field.name'),
      key: 'name',
      fixed: 'left',
      width: 220,
      render: (_v, c) => (
        <Link to={`/campaigns/${encodeURIComponent(c.key)}`} data-testid="campaign-row-link">
          {localName({ name: c.name, nameEn: c.nameEn }, lang)}
        </Link>
      ),
    },
    {
      title: t('campaigns.field.key'),
      dataIndex: 'key',
      width: 200,
      render: (key: string) => (
        <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
          {key}
        </Typography.Text>
      ),
    },
    {
      title: t('campaigns.field.caseType'),
      dataIndex: 'caseType',
      width: 120,
      render: (key: string) => {
        const type = byKey.get(key);
        return type ? localName(type, lang) : key;
      },
    },
    { title: t('campaigns.field.period'), dataIndex: 'period', key: 'period', width: 100 },
    { title: t('campaigns.field.unit'), key: 'unit', width: 120, render: (_v, c) => c.unit.name },
    {
      title: t('campaigns.field.category'),
      dataIndex: 'category',
      width: 100,
      render: (key: string | null, c) => {
        if (!key) return <Typography.Text type="secondary">{t('campaigns.byRow')}</Typography.Text>;
        const node = findNode(byKey.get(c.caseType)?.definition.categories ?? [], key);
        return node ? localName(node, lang) : key;
      },
    },
    { title: t('campaigns.field.rule'), key: 'rule', width: 190, render: (_v, c) => ruleText(c.rule) },
    {
      title: t('campaigns.field.targetCount'),
      dataIndex: 'targetCount',
      align: 'right',
      width: 80,
    },
    {
      title: t('campaigns.field.visitCaseType'),
      dataIndex: 'visitCaseType',
      width: 120,
      render: (key: string | null) =>
        key ? <Tag>{byKey.get(key) ? localName(byKey.get(key)!, lang) : key}</Tag> : '—',
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      width: 160,
      render: (v: string) => formatDateTime(v),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('campaigns.title')}
        subtitle={t('campaigns.subtitle')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} loading={query.isFetching} onClick={() => void query.refetch()}>
              {t('common.refresh')}
            </Button>
            {canDispatch && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="campaign-add"
              >
                {t('campaigns.add')}
              </Button>
            )}
          </>
        }
      />
      <Card>
        <Table<Campaign>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={items}
          loading={query.isFetching}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 20, showTotal: (total) => t('common.total', { total }) }}
          data-testid="campaigns-table"
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  query.isError
                    ? `${t('common.loadFailed')}：${errorText(query.error)}`
                    : canDispatch
                      ? t('campaigns.emptyDispatch')
                      : t('campaigns.empty')
                }
              />
            ),
          }}
        />
      </Card>
      {canDispatch && (
        <CampaignCreateDrawer
          open={creating}
          initialList={createList || undefined}
          onClose={() => setCreating(false)}
        />
      )}
    </>
  );
};
