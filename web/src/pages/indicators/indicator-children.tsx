import { HistoryOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Drawer,
  Empty,
  Skeleton,
  Table,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { IndicatorDefinition, Ranking, RankingRow } from '../../api/indicators';
import { indicatorKeys, listValueVersions } from '../../api/indicators';
import { errorText } from '../../lib/api-errors';
import { formatDateTime } from '../../lib/format';
import {
  STATUS_TAG,
  indicatorPath,
  statusColor,
  useIndicatorFormat,
  usePeriodText,
} from './indicator-format';

/*
 * The units right under the one shown, for its latest period: value, target, status and rank
 * (the server's benchmarking, ties sharing a rank), each row a way down to that unit; the units
 * without a value are listed after the ranked ones. And the drawer with the versions of one unit's
 * own value in a period (corrections, recomputes).
 */

type ChildRow = Pick<RankingRow, 'unitId' | 'unitName'> & Partial<RankingRow>;

export type HistoryTarget = { unitId: number; unitName: string; period: string; label: string };

export const IndicatorChildren = ({
  def,
  ranking,
  loading,
  error,
  onHistory,
}: {
  def: IndicatorDefinition;
  ranking: Ranking | undefined;
  loading: boolean;
  error: unknown;
  onHistory: (target: HistoryTarget) => void;
}) => {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { format, targetText } = useIndicatorFormat();
  const periodText = usePeriodText();
  // The API's label is Chinese; the period itself is shown in the UI language.
  const label = ranking?.period ? periodText(def.grain, ranking.period) : null;
  const rows: ChildRow[] = [
    ...(ranking?.rows ?? []),
    ...(ranking?.unranked ?? []).map((u) => ({ unitId: u.unitId, unitName: u.unitName })),
  ];
  const columns: TableColumnsType<ChildRow> = [
    {
      title: t('indicators.field.rank'),
      key: 'rank',
      width: 60,
      align: 'right',
      render: (_v, r) => r.rank ?? '—',
    },
    {
      title: t('indicators.field.unit'),
      key: 'unit',
      render: (_v, r) => (
        <Link
          to={indicatorPath(def.key, r.unitId)}
          onClick={(e) => e.stopPropagation()}
          data-testid="indicator-child-link"
        >
          {r.unitName}
        </Link>
      ),
    },
    {
      title: t('indicators.field.value'),
      key: 'value',
      align: 'right',
      render: (_v, r) => (
        <span style={{ color: statusColor(r.status) }} data-testid="indicator-child-value">
          {format(def.measure, ranking?.by === 'normalised' ? r.normalised : r.value)}
        </span>
      ),
    },
    {
      title: t('indicators.field.target'),
      key: 'target',
      render: (_v, r) =>
        r.target === undefined
          ? '—'
          : targetText(def.measure, def.direction, { target: r.target, band: r.band ?? null }),
    },
    {
      title: t('indicators.field.status'),
      key: 'status',
      render: (_v, r) =>
        r.status ? <Tag color={STATUS_TAG[r.status]}>{t(`indicators.status.${r.status}`)}</Tag> : '—',
    },
    {
      key: 'history',
      width: 48,
      render: (_v, r) =>
        ranking?.period ? (
          <Tooltip title={t('indicators.page.history')}>
            <Button
              type="text"
              size="small"
              icon={<HistoryOutlined />}
              aria-label={t('indicators.page.history')}
              onClick={(e) => {
                e.stopPropagation();
                onHistory({
                  unitId: r.unitId,
                  unitName: r.unitName,
                  period: ranking.period!,
                  label: label ?? ranking.period!,
                });
              }}
            />
          </Tooltip>
        ) : null,
    },
  ];
  return (
    <Card
      size="small"
      title={t('indicators.page.children', { label: label ?? '—' })}
      style={{ marginBottom: 16 }}
      data-testid="indicator-children"
    >
      {error ? (
        <Alert type="error" showIcon title={t('common.loadFailed')} description={errorText(error)} />
      ) : loading && !ranking ? (
        <Skeleton active />
      ) : (
        <Table<ChildRow>
          size="small"
          rowKey="unitId"
          columns={columns}
          dataSource={rows}
          pagination={false}
          onRow={(r) => ({
            onClick: () => void navigate(indicatorPath(def.key, r.unitId)),
            style: { cursor: 'pointer' },
            'data-testid': 'indicator-child',
          })}
          locale={{
            emptyText: (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('indicators.page.noChildren')} />
            ),
          }}
        />
      )}
    </Card>
  );
};

export const ValueHistoryDrawer = ({
  def,
  target,
  onClose,
}: {
  def: IndicatorDefinition;
  target: HistoryTarget | null;
  onClose: () => void;
}) => {
  const { t } = useTranslation();
  const { format } = useIndicatorFormat();
  const query = useQuery({
    queryKey: indicatorKeys.history(def.key, target?.unitId ?? 0, target?.period ?? ''),
    queryFn: () => listValueVersions(def.key, target!.unitId, target!.period),
    enabled: target !== null,
  });
  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      size={480}
      title={target ? t('indicators.page.historyTitle', { unit: target.unitName, label: target.label }) : ''}
      data-testid="indicator-history"
    >
      {query.isError ? (
        <Alert type="error" showIcon title={t('common.loadFailed')} description={errorText(query.error)} />
      ) : query.isPending ? (
        <Skeleton active />
      ) : query.data.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('indicators.page.noHistory')} />
      ) : (
        <Timeline
          items={[...query.data].reverse().map((v, i) => ({
            color: v.supersededAt ? 'gray' : 'blue',
            content: (
              <div key={i}>
                <Typography.Text strong>{format(def.measure, v.value)}</Typography.Text>
                {v.denominator !== null && (
                  <Typography.Text type="secondary">
                    {' '}
                    ({v.numerator ?? '—'} / {v.denominator})
                  </Typography.Text>
                )}{' '}
                <Tag>
                  {v.supersededAt
                    ? t('indicators.history.superseded', { time: formatDateTime(v.supersededAt) })
                    : t('indicators.history.current')}
                </Tag>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(v.recordedAt)} · {v.recordedBy ?? v.origin}
                    {v.note ? ` · ${v.note}` : ''}
                  </Typography.Text>
                </div>
              </div>
            ),
          }))}
        />
      )}
    </Drawer>
  );
};
