import { Card, Empty, Flex, List, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Dashboard, DashboardCard, RankingRow } from '../../api/indicators';
import { localName } from '../../api/cases';
import { formatDateTime } from '../../lib/format';
import { DEFAULT_FILTERS, filtersToParams } from '../cases/case-filters';
import {
  STATUS_TAG,
  indicatorPath,
  statusColor,
  useIndicatorFormat,
  usePeriodText,
} from '../indicators/indicator-format';

/*
 * The blocks of the home dashboard under the cards: the control-chart alerts on the manager's
 * units, the overdue cases (the work behind the red figures, each a link, and the whole list in the
 * case list's overdue view of the unit), and the ranking of the units right under his.
 */

const empty = (text: string) => <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} />;

export const AlertsPanel = ({ alerts }: { alerts: Dashboard['alerts'] }) => {
  const { t } = useTranslation();
  const periodText = usePeriodText();
  return (
    <Card size="small" title={t('indicators.dashboard.alerts')} data-testid="dashboard-alerts">
      {alerts.length === 0 ? (
        empty(t('indicators.dashboard.noAlerts'))
      ) : (
        <List
          size="small"
          dataSource={alerts}
          renderItem={(a) => {
            const label = periodText(a.grain, a.period);
            const rule = a.rule >= 1 && a.rule <= 4 ? t(`indicators.rule.r${a.rule as 1 | 2 | 3 | 4}`) : '';
            return (
              <List.Item data-testid="dashboard-alert">
                <List.Item.Meta
                  title={
                    <Link to={indicatorPath(a.indicator, a.unitId)}>
                      {a.indicatorName} · {a.unitName}
                    </Link>
                  }
                  description={
                    <Flex vertical gap={2}>
                      <span>{rule}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('indicators.dashboard.alertValue', {
                          label,
                          value: Number(a.value.toFixed(4)),
                          centre: Number(a.centre.toFixed(4)),
                        })}{' '}
                        · {formatDateTime(a.raisedAt)}
                      </Typography.Text>
                    </Flex>
                  }
                />
              </List.Item>
            );
          }}
        />
      )}
    </Card>
  );
};

/** The overdue cases list of a unit's subtree, as the case list reads its URL. */
export const overdueCasesPath = (unitId: number) =>
  `/cases?${filtersToParams({ ...DEFAULT_FILTERS, view: 'overdue', unitId }).toString()}`;

export const OverduePanel = ({ overdue, unitId }: { overdue: Dashboard['overdue']; unitId: number }) => {
  const { t } = useTranslation();
  if (!overdue) return null;
  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          {t('indicators.dashboard.overdue')}
          <Tag color={overdue.total > 0 ? 'error' : 'default'} data-testid="dashboard-overdue-total">
            {t('indicators.dashboard.overdueTotal', { n: overdue.total })}
          </Tag>
        </Flex>
      }
      extra={
        <Link to={overdueCasesPath(unitId)} data-testid="dashboard-overdue-all">
          {t('indicators.dashboard.viewAll')}
        </Link>
      }
      data-testid="dashboard-overdue"
    >
      {overdue.cases.length === 0 ? (
        empty(t('indicators.dashboard.noOverdue'))
      ) : (
        <List
          size="small"
          dataSource={overdue.cases}
          renderItem={(c) => (
            <List.Item>
              <Flex vertical gap={2} style={{ minWidth: 0 }}>
                <Link to={`/cases/${c.id}`} data-testid="dashboard-overdue-case">
                  <Typography.Text type="secondary" style={{ marginInlineEnd: 6 }}>
                    #{c.id}
                  </Typography.Text>
                  {c.title}
                </Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {c.unitName}
                  {c.dueAt && (
                    <Typography.Text type="danger" style={{ fontSize: 12, marginInlineStart: 8 }}>
                      {t('indicators.dashboard.dueAt', { time: formatDateTime(c.dueAt) })}
                    </Typography.Text>
                  )}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
};

export const RankingPanel = ({
  ranking,
  card,
}: {
  ranking: Dashboard['ranking'];
  /** The card of the ranked indicator (its measure and direction). */
  card: DashboardCard | undefined;
}) => {
  const { t, i18n } = useTranslation();
  const { format, targetText } = useIndicatorFormat();
  const periodText = usePeriodText();
  if (!ranking || !card) return null;
  const columns: TableColumnsType<RankingRow> = [
    { title: t('indicators.field.rank'), dataIndex: 'rank', width: 60, align: 'right' },
    {
      title: t('indicators.field.unit'),
      key: 'unit',
      render: (_v, r) => (
        <Link to={indicatorPath(ranking.indicator, r.unitId)} data-testid="dashboard-ranking-unit">
          {r.unitName}
        </Link>
      ),
    },
    {
      title: t('indicators.field.value'),
      key: 'value',
      align: 'right',
      render: (_v, r) => (
        <span style={{ color: statusColor(r.status) }}>
          {format(card.measure, ranking.by === 'normalised' ? r.normalised : r.value)}
        </span>
      ),
    },
    {
      title: t('indicators.field.target'),
      key: 'target',
      render: (_v, r) => targetText(card.measure, card.direction, r),
    },
    {
      title: t('indicators.field.status'),
      key: 'status',
      width: 90,
      render: (_v, r) =>
        r.status ? <Tag color={STATUS_TAG[r.status]}>{t(`indicators.status.${r.status}`)}</Tag> : '—',
    },
  ];
  return (
    <Card
      size="small"
      title={t('indicators.dashboard.ranking')}
      extra={
        <Typography.Text type="secondary">
          {t('indicators.dashboard.rankingOf', {
            name: localName(card, i18n.language),
            label: ranking.period ? periodText(card.grain, ranking.period) : '—',
          })}
        </Typography.Text>
      }
      data-testid="dashboard-ranking"
    >
      <Table<RankingRow>
        size="small"
        rowKey="unitId"
        columns={columns}
        dataSource={ranking.rows}
        pagination={false}
        locale={{ emptyText: empty(t('indicators.dashboard.noRanking')) }}
      />
      {ranking.unranked.length > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }}>
          {t('indicators.dashboard.unranked', {
            units: ranking.unranked.map((u) => u.unitName).join('、'),
          })}
        </Typography.Text>
      )}
    </Card>
  );
};
