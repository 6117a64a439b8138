import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Table, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { localName } from '../../api/cases';
import { indicatorKeys, listIndicators } from '../../api/indicators';
import type { Indicator } from '../../api/indicators';
import { PageHeader } from '../../components/page-header';
import { errorText } from '../../lib/api-errors';
import { indicatorPath, useIndicatorFormat } from './indicator-format';

/** 指标 (/indicators): the definitions — what each indicator measures, where from, who answers for it. */
export const IndicatorsPage = () => {
  const { t, i18n } = useTranslation();
  const { measureText, sourceText } = useIndicatorFormat();
  const query = useQuery({ queryKey: indicatorKeys.list, queryFn: listIndicators });

  const columns: TableColumnsType<Indicator> = [
    {
      title: t('indicators.field.name'),
      key: 'name',
      render: (_v, i) => (
        <Link to={indicatorPath(i.key, undefined)} data-testid="indicator-row-link">
          {localName(i.definition, i18n.language)}
        </Link>
      ),
    },
    {
      title: t('indicators.field.key'),
      dataIndex: 'key',
      render: (key: string) => <Typography.Text type="secondary">{key}</Typography.Text>,
    },
    {
      title: t('indicators.field.measure'),
      key: 'measure',
      render: (_v, i) => measureText(i.definition.measure),
    },
    {
      title: t('indicators.field.direction'),
      key: 'direction',
      render: (_v, i) => t(`indicators.direction.${i.definition.direction}`),
    },
    {
      title: t('indicators.field.grain'),
      key: 'grain',
      render: (_v, i) => t(`indicators.grain.${i.definition.grain}`),
    },
    {
      title: t('indicators.field.source'),
      key: 'source',
      render: (_v, i) => sourceText(i.definition.source),
    },
    { title: t('indicators.field.owner'), key: 'owner', render: (_v, i) => i.definition.owner ?? '—' },
    { title: t('indicators.field.pack'), dataIndex: 'pack', render: (pack: string | null) => pack ?? '—' },
  ];

  return (
    <>
      <PageHeader
        title={t('indicators.title')}
        subtitle={t('indicators.subtitle')}
        extra={
          <Tooltip title={t('common.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              aria-label={t('common.refresh')}
              loading={query.isFetching}
              onClick={() => void query.refetch()}
            />
          </Tooltip>
        }
      />
      {query.isError && (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed')}
          description={errorText(query.error)}
          style={{ marginBottom: 16 }}
        />
      )}
      <Card size="small">
        <Table<Indicator>
          size="small"
          rowKey="key"
          columns={columns}
          dataSource={query.data ?? []}
          loading={query.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="indicators-table"
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('indicators.empty')} />,
          }}
        />
      </Card>
    </>
  );
};
