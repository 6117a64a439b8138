import { Alert, Card, Col, Empty, Row, Segmented, Skeleton, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import ReactECharts from 'echarts-for-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CampaignFigureRow, CampaignFigures, ReasonRow, ReasonShare } from '../../api/campaigns';
import { errorText } from '../../lib/api-errors';
import { KpiCard } from '../../components/kpi-card';

/*
 * The figures of one campaign as the server counts them (campaign-figures.service.ts): statistic
 * cards, the tables by grid and by manager (how complete the feedback is), and the reasons, as a
 * table and as charts drawn with ECharts the way the case figures page draws its own.
 */

export const pct = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;

export const CampaignStats = ({ total }: { total: CampaignFigureRow | undefined }) => {
  const { t } = useTranslation();
  const cards = [
    <KpiCard
      key="targets"
      testId="campaign-kpi-targets"
      title={t('campaigns.kpi.targets')}
      value={total?.targets ?? '—'}
    />,
    <KpiCard
      key="followedUp"
      testId="campaign-kpi-followed-up"
      title={t('campaigns.kpi.followedUp')}
      value={total?.followedUp ?? '—'}
      note={total ? t('campaigns.kpi.followUpRate', { rate: pct(total.followUpRate) }) : undefined}
      tip={t('campaigns.kpi.followedUpTip')}
    />,
    <KpiCard
      key="reached"
      testId="campaign-kpi-reached-rate"
      title={t('campaigns.kpi.reachedRate')}
      value={pct(total?.reachedRate)}
      note={
        total ? t('campaigns.kpi.reachedOf', { reached: total.reached, of: total.followedUp }) : undefined
      }
      tip={t('campaigns.kpi.reachedTip')}
    />,
    <KpiCard
      key="reactivation"
      testId="campaign-kpi-reactivation-rate"
      title={t('campaigns.kpi.reactivationRate')}
      value={pct(total?.reactivationRate)}
      note={total ? t('campaigns.kpi.reactivated', { n: total.reactivated }) : undefined}
      tip={t('campaigns.kpi.reactivationTip')}
    />,
    <KpiCard
      key="net"
      testId="campaign-kpi-net"
      title={t('campaigns.kpi.netDisconnections')}
      value={total?.netDisconnections ?? '—'}
      tip={t('campaigns.kpi.netTip')}
    />,
    <KpiCard
      key="other"
      testId="campaign-kpi-other"
      title={t('campaigns.kpi.otherReason')}
      value={total?.otherReason ?? '—'}
      tip={t('campaigns.kpi.otherTip')}
      color={
        total && total.followedUp > 0 && total.otherReason / total.followedUp >= 0.3 ? '#d4380d' : undefined
      }
    />,
  ];
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="campaign-kpis">
      {cards.map((card) => (
        <Col key={card.key} xs={12} md={8} xxl={4}>
          {card}
        </Col>
      ))}
    </Row>
  );
};

/** A table of figure rows (by grid or by manager), with the total as its summary row. */
const GroupTable = ({
  rows,
  total,
  groupTitle,
  emptyLabel,
  testId,
}: {
  rows: CampaignFigureRow[];
  total: CampaignFigureRow | undefined;
  groupTitle: string;
  emptyLabel: string;
  testId: string;
}) => {
  const { t } = useTranslation();
  const columns: TableColumnsType<CampaignFigureRow> = [
    {
      title: groupTitle,
      key: 'label',
      fixed: 'left',
      width: 130,
      render: (_v, r) => r.label || emptyLabel,
    },
    { title: t('campaigns.kpi.targets'), dataIndex: 'targets', align: 'right', width: 70 },
    { title: t('campaigns.kpi.followedUp'), dataIndex: 'followedUp', align: 'right', width: 70 },
    {
      title: t('campaigns.col.followUpRate'),
      key: 'followUpRate',
      align: 'right',
      width: 90,
      render: (_v, r) => (
        <Typography.Text type={r.followUpRate !== null && r.followUpRate < 1 ? 'warning' : undefined}>
          {pct(r.followUpRate)}
        </Typography.Text>
      ),
    },
    {
      title: t('campaigns.col.reachedRate'),
      key: 'reachedRate',
      align: 'right',
      width: 90,
      render: (_v, r) => pct(r.reachedRate),
    },
    { title: t('campaigns.col.reactivated'), dataIndex: 'reactivated', align: 'right', width: 70 },
    {
      title: t('campaigns.kpi.reactivationRate'),
      key: 'reactivationRate',
      align: 'right',
      width: 80,
      render: (_v, r) => pct(r.reactivationRate),
    },
    {
      title: t('campaigns.kpi.netDisconnections'),
      dataIndex: 'netDisconnections',
      align: 'right',
      width: 80,
    },
    { title: t('campaigns.kpi.otherReason'), dataIndex: 'otherReason', align: 'right', width: 80 },
  ];
  return (
    <Table<CampaignFigureRow>
      size="small"
      rowKey="key"
      columns={columns}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 'max-content' }}
      data-testid={testId}
      locale={{
        emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('campaigns.noFigures')} />,
      }}
      summary={() =>
        total && rows.length > 1 ? (
          <Table.Summary fixed>
            <Table.Summary.Row style={{ fontWeight: 600, background: '#fafbfd' }}>
              <Table.Summary.Cell index={0}>{t('campaigns.total')}</Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                {total.targets}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">
                {total.followedUp}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">
                {pct(total.followUpRate)}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">
                {pct(total.reachedRate)}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">
                {total.reactivated}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={6} align="right">
                {pct(total.reactivationRate)}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={7} align="right">
                {total.netDisconnections}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={8} align="right">
                {total.otherReason}
              </Table.Summary.Cell>
            </Table.Summary.Row>
          </Table.Summary>
        ) : null
      }
    />
  );
};

const PALETTE = ['#1e4fa3', '#2e9e5b', '#d48806', '#c41d7f', '#08979c', '#7cb305', '#531dab', '#d4380d'];

/** The reasons of all targets or of one category (product line): table, bar and pie. */
const Reasons = ({ figures }: { figures: CampaignFigures }) => {
  const { t } = useTranslation();
  const [scope, setScope] = useState<string>('');
  const rows: ReasonRow[] = scope === '' ? figures.reasons : (figures.reasonsByCategory[scope] ?? []);
  const scopes = [
    { value: '', label: t('campaigns.reasons.all') },
    ...figures.byCategory.map((c) => ({ value: c.key, label: c.label || c.key })),
  ];

  const columns: TableColumnsType<ReasonShare & { children?: ReasonShare[] }> = [
    { title: t('campaigns.reasons.reason'), dataIndex: 'name', key: 'name' },
    { title: t('campaigns.reasons.count'), dataIndex: 'count', align: 'right', width: 80 },
    {
      title: t('campaigns.reasons.share'),
      key: 'share',
      align: 'right',
      width: 90,
      render: (_v, r) => pct(r.share),
    },
  ];
  const barOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: rows.map((r) => r.name),
      axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: t('campaigns.reasons.count'),
        type: 'bar',
        data: rows.map((r, i) => ({ value: r.count, itemStyle: { color: PALETTE[i % PALETTE.length] } })),
        label: { show: true, position: 'top' },
      },
    ],
  };
  // The pie shows the finest reasons known: a root's sub-reasons where it has them.
  const slices = rows.flatMap((r) => {
    const rest = r.count - r.children.reduce((s, c) => s + c.count, 0);
    return r.children.length === 0
      ? [{ name: r.name, value: r.count }]
      : [
          ...r.children.map((c) => ({ name: `${r.name} · ${c.name}`, value: c.count })),
          ...(rest > 0 ? [{ name: r.name, value: rest }] : []),
        ];
  });
  const pieOption = {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
    color: PALETTE,
    series: [
      {
        type: 'pie',
        radius: ['35%', '65%'],
        center: ['35%', '50%'],
        label: { show: false },
        data: slices,
      },
    ],
  };

  return (
    <Card
      size="small"
      title={t('campaigns.reasons.title')}
      extra={
        scopes.length > 2 ? (
          <Segmented<string>
            size="small"
            value={scope}
            onChange={setScope}
            options={scopes}
            data-testid="campaign-reason-scope"
          />
        ) : null
      }
      data-testid="campaign-reasons"
    >
      {rows.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('campaigns.reasons.none')}
          style={{ padding: 32 }}
        />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={8}>
            <Table
              size="small"
              rowKey="key"
              columns={columns}
              dataSource={rows.map((r) => (r.children.length ? r : { ...r, children: undefined }))}
              pagination={false}
              expandable={{ defaultExpandAllRows: true }}
              data-testid="campaign-reasons-table"
            />
          </Col>
          <Col xs={24} md={12} xl={8}>
            <ReactECharts option={barOption} notMerge style={{ height: 280 }} />
          </Col>
          <Col xs={24} md={12} xl={8}>
            <ReactECharts option={pieOption} notMerge style={{ height: 280 }} />
          </Col>
        </Row>
      )}
    </Card>
  );
};

/** The figures block of the campaign page. */
export const CampaignFiguresPanel = ({
  query,
}: {
  query: { data: CampaignFigures | undefined; isPending: boolean; isError: boolean; error: unknown };
}) => {
  const { t } = useTranslation();
  if (query.isError)
    return (
      <Alert
        type="error"
        showIcon
        title={t('common.loadFailed')}
        description={errorText(query.error)}
        style={{ marginBottom: 16 }}
      />
    );
  if (query.isPending || !query.data) return <Skeleton active paragraph={{ rows: 6 }} />;
  const figures = query.data;
  return (
    <>
      <CampaignStats total={figures.total} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} xxl={12}>
          <Card size="small" title={t('campaigns.byUnit')}>
            <GroupTable
              rows={figures.byUnit}
              total={figures.total}
              groupTitle={t('campaigns.col.unit')}
              emptyLabel="—"
              testId="campaign-by-unit"
            />
          </Card>
        </Col>
        <Col xs={24} xxl={12}>
          <Card size="small" title={t('campaigns.byAssignee')}>
            <GroupTable
              rows={figures.byAssignee}
              total={figures.total}
              groupTitle={t('campaigns.col.assignee')}
              emptyLabel={t('campaigns.unassigned')}
              testId="campaign-by-assignee"
            />
          </Card>
        </Col>
      </Row>
      <div style={{ marginBottom: 16 }}>
        <Reasons figures={figures} />
      </div>
    </>
  );
};
