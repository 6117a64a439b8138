import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Flex,
  Row,
  Segmented,
  Select,
  Skeleton,
  Table,
  Tooltip,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import ReactECharts from 'echarts-for-react';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FIGURE_GROUPS, caseKeys, getCaseFigures, localName } from '../../api/cases';
import type { CaseType, FigureGroup, FigureRow, Figures, FiguresQuery, TimeBasis } from '../../api/cases';
import { PageHeader } from '../../components/page-header';
import { UnitTreeSelect } from '../../components/unit-tree-select';
import { errorText } from '../../lib/api-errors';
import { wallTimeToIso } from '../../lib/zoned-time';
import { useCaseTypes } from './case-hooks';
import { KpiCard } from '../../components/kpi-card';

/** The server counts months on the clocks of Asia/Shanghai; the period bounds use the same clocks. */
const REPORT_ZONE = 'Asia/Shanghai';

type Range = [Dayjs, Dayjs];

/** Midnight at the start of a date, in the report zone, as ISO with offset. */
const dayStart = (d: Dayjs): string =>
  wallTimeToIso({ year: d.year(), month: d.month() + 1, day: d.date(), hour: 0, minute: 0 }, REPORT_ZONE);

/** [from, to) of a range of whole days: `to` is the midnight after the last day. */
const bounds = ([start, end]: Range) => ({ from: dayStart(start), to: dayStart(end.add(1, 'day')) });

const thisMonth = (): Range => [dayjs().startOf('month'), dayjs().endOf('month')];

const pct = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
const hours = (h: number | null | undefined): string => (h === null || h === undefined ? '—' : h.toFixed(1));

/** Clock keys and names: of the chosen type, or of every type (first name per key). */
const clockNames = (types: CaseType[], type: CaseType | undefined, lang: string): Map<string, string> => {
  const names = new Map<string, string>();
  for (const ct of type ? [type] : types)
    for (const clock of ct.definition.clocks)
      if (!names.has(clock.key)) names.set(clock.key, localName(clock, lang));
  return names;
};

/** Clock keys that appear in the figures, in definition order first. */
const clockKeysOf = (figures: Figures | undefined, names: Map<string, string>): string[] => {
  const present = new Set<string>();
  for (const row of [figures?.total, ...(figures?.rows ?? [])])
    for (const k of Object.keys(row?.onTime ?? {})) present.add(k);
  return [...[...names.keys()].filter((k) => present.has(k)), ...[...present].filter((k) => !names.has(k))];
};

/** 工单统计: KPIs of a period, charts by category and by month, and the grouped table. */
export const FiguresPage = () => {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { types, byKey } = useCaseTypes();
  const [range, setRange] = useState<Range>(thisMonth);
  const [unitId, setUnitId] = useState<number | null>(null);
  const [caseType, setCaseType] = useState<string | undefined>(undefined);
  const [groupBy, setGroupBy] = useState<FigureGroup>('category');
  const [timeBasis, setTimeBasis] = useState<TimeBasis>('working');

  const base = { unitId: unitId ?? undefined, caseType, timeBasis };
  const main: FiguresQuery = { ...bounds(range), ...base, groupBy };
  const byCategory: FiguresQuery = { ...bounds(range), ...base, groupBy: 'category' };
  // The trend looks back twelve months from the end of the period.
  const trendStart = range[1].startOf('month').subtract(11, 'month');
  const trend: FiguresQuery = { ...bounds([trendStart, range[1]]), ...base, groupBy: 'month' };

  const query = useQuery({
    queryKey: caseKeys.figures(main),
    queryFn: () => getCaseFigures(main),
    placeholderData: keepPreviousData,
  });
  const categoryQuery = useQuery({
    queryKey: caseKeys.figures(byCategory),
    queryFn: () => getCaseFigures(byCategory),
    placeholderData: keepPreviousData,
  });
  const trendQuery = useQuery({
    queryKey: caseKeys.figures(trend),
    queryFn: () => getCaseFigures(trend),
    placeholderData: keepPreviousData,
  });

  const figures = query.data;
  const total = figures?.total;
  const names = clockNames(types, caseType ? byKey.get(caseType) : undefined, lang);
  const clockKeys = clockKeysOf(figures, names);
  const clockName = (key: string) => names.get(key) ?? key;
  const rowLabel = (row: FigureRow) =>
    row.label ||
    (row.key === 'total'
      ? t('cases.tally.total')
      : row.key === 'unassigned'
        ? t('cases.tally.unassigned')
        : row.key);
  const method = figures?.percentileMethod ?? '';
  const methodTip = method ? t('cases.figures.percentileMethod', { method }) : undefined;
  const basisNote = t('cases.figures.basisNote', { basis: t(`cases.figures.timeBasis.${timeBasis}`) });

  const presets: { label: string; value: Range }[] = [
    { label: t('cases.figures.thisMonth'), value: thisMonth() },
    {
      label: t('cases.figures.lastMonth'),
      value: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')],
    },
    {
      label: t('cases.figures.thisQuarter'),
      value: [
        dayjs()
          .month(Math.floor(dayjs().month() / 3) * 3)
          .startOf('month'),
        dayjs()
          .month(Math.floor(dayjs().month() / 3) * 3 + 2)
          .endOf('month'),
      ],
    },
    { label: t('cases.figures.thisYear'), value: [dayjs().startOf('year'), dayjs().endOf('year')] },
  ];

  const categoryRows = categoryQuery.data?.rows ?? [];
  const barOption = {
    tooltip: { trigger: 'axis' },
    legend: { data: [t('cases.figures.series.registered'), t('cases.figures.series.closed')], top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: categoryRows.map(rowLabel),
      axisLabel: { interval: 0, rotate: categoryRows.length > 6 ? 30 : 0 },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: t('cases.figures.series.registered'),
        type: 'bar',
        data: categoryRows.map((r) => r.registered),
        itemStyle: { color: '#1e4fa3' },
      },
      {
        name: t('cases.figures.series.closed'),
        type: 'bar',
        data: categoryRows.map((r) => r.closed),
        itemStyle: { color: '#2e9e5b' },
      },
    ],
  };

  const trendRows = trendQuery.data?.rows ?? [];
  const trendClocks = clockKeysOf(trendQuery.data, names);
  // Every month of the twelve on the axis (the server answers only months that have cases).
  const trendByMonth = new Map(trendRows.map((r) => [r.key, r]));
  const trendMonths = Array.from({ length: 12 }, (_v, i) => trendStart.add(i, 'month').format('YYYY-MM'));
  const lineOption = {
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)}%` : '—'),
    },
    legend: { data: trendClocks.map(clockName), top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: trendMonths },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: trendClocks.map((key) => ({
      name: clockName(key),
      type: 'line',
      smooth: true,
      connectNulls: true,
      symbolSize: 6,
      data: trendMonths.map((month) => {
        const rate = trendByMonth.get(month)?.onTime[key]?.rate;
        return rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10;
      }),
    })),
  };

  const columns: TableColumnsType<FigureRow> = [
    {
      title: t('cases.figures.group'),
      key: 'label',
      fixed: 'left',
      width: 160,
      render: (_v, r) => rowLabel(r),
    },
    { title: t('cases.figures.kpi.registered'), dataIndex: 'registered', align: 'right', width: 80 },
    { title: t('cases.figures.kpi.resolved'), dataIndex: 'resolved', align: 'right', width: 80 },
    { title: t('cases.figures.kpi.closed'), dataIndex: 'closed', align: 'right', width: 80 },
    { title: t('cases.figures.kpi.cancelled'), dataIndex: 'cancelled', align: 'right', width: 80 },
    ...clockKeys.map((key) => ({
      title: t('cases.figures.kpi.onTime', { clock: clockName(key) }),
      key: `onTime-${key}`,
      align: 'right' as const,
      width: 110,
      render: (_v: unknown, r: FigureRow) => {
        const c = r.onTime[key];
        return c ? (
          <Tooltip title={t('cases.figures.kpi.onTimeDetail', { met: c.met, stopped: c.stopped })}>
            {pct(c.rate)}
          </Tooltip>
        ) : (
          '—'
        );
      },
    })),
    {
      title: t('cases.figures.kpi.medianHours'),
      key: 'median',
      align: 'right',
      width: 110,
      render: (_v, r) => hours(r.resolutionHours.median),
    },
    {
      title: t('cases.figures.kpi.p90Hours'),
      key: 'p90',
      align: 'right',
      width: 110,
      render: (_v, r) => hours(r.resolutionHours.p90),
    },
    {
      title: t('cases.figures.kpi.callbackRate'),
      key: 'callbackRate',
      align: 'right',
      width: 90,
      render: (_v, r) => pct(r.callbacks.rate),
    },
    {
      title: t('cases.figures.kpi.satisfaction'),
      key: 'satisfaction',
      align: 'right',
      width: 90,
      render: (_v, r) =>
        r.callbacks.satisfactionAvg === null ? '—' : r.callbacks.satisfactionAvg.toFixed(2),
    },
    {
      title: t('cases.figures.kpi.reworkRate'),
      key: 'rework',
      align: 'right',
      width: 80,
      render: (_v, r) => pct(r.reworkRate),
    },
    { title: t('cases.figures.kpi.overdueNow'), dataIndex: 'overdueNow', align: 'right', width: 90 },
    { title: t('cases.figures.kpi.repeats'), dataIndex: 'repeats', align: 'right', width: 80 },
  ];

  const chartCard = (
    title: string,
    q: { isPending: boolean; isError: boolean; error: unknown },
    empty: boolean,
    option: object,
    testId: string,
  ) => (
    <Card size="small" title={title} style={{ height: '100%' }} data-testid={testId}>
      {q.isPending ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : q.isError ? (
        <Alert type="error" showIcon title={t('common.loadFailed')} description={errorText(q.error)} />
      ) : empty ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('cases.figures.noData')}
          style={{ padding: 48 }}
        />
      ) : (
        <ReactECharts option={option} notMerge style={{ height: 300 }} />
      )}
    </Card>
  );

  return (
    <>
      <PageHeader
        title={t('cases.figures.title')}
        subtitle={t('cases.figures.subtitle')}
        extra={
          <Button
            icon={<ReloadOutlined />}
            loading={query.isFetching}
            onClick={() => {
              void query.refetch();
              void categoryQuery.refetch();
              void trendQuery.refetch();
            }}
          >
            {t('cases.refresh')}
          </Button>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Flex align="center" gap={12} wrap>
          <DatePicker.RangePicker
            aria-label={t('cases.figures.period')}
            allowClear={false}
            value={range}
            presets={presets}
            onChange={(next) => {
              if (next?.[0] && next[1]) setRange([next[0], next[1]]);
            }}
            data-testid="figures-period"
          />
          <UnitTreeSelect
            placeholder={t('cases.filter.unit')}
            aria-label={t('cases.field.unit')}
            style={{ width: 200 }}
            value={unitId}
            onChange={setUnitId}
            data-testid="figures-unit"
          />
          <Select<string>
            allowClear
            placeholder={t('cases.filter.allTypes')}
            aria-label={t('cases.field.type')}
            style={{ width: 160 }}
            value={caseType}
            onChange={setCaseType}
            options={types.map((ct) => ({ value: ct.key, label: localName(ct, lang) }))}
            data-testid="figures-type"
          />
          <Select<FigureGroup>
            aria-label={t('cases.figures.groupBy')}
            style={{ width: 140 }}
            value={groupBy}
            onChange={setGroupBy}
            options={FIGURE_GROUPS.map((g) => ({ value: g, label: t(`cases.figures.groups.${g}`) }))}
            data-testid="figures-group"
          />
          <Segmented<TimeBasis>
            value={timeBasis}
            onChange={setTimeBasis}
            options={[
              { value: 'working', label: t('cases.figures.timeBasis.working') },
              { value: 'calendar', label: t('cases.figures.timeBasis.calendar') },
            ]}
            data-testid="figures-basis"
          />
        </Flex>
      </Card>

      {query.isError && (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed')}
          description={errorText(query.error)}
          style={{ marginBottom: 16 }}
          action={
            <Button size="small" onClick={() => void query.refetch()}>
              {t('common.retry')}
            </Button>
          }
        />
      )}

      <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="figures-kpis">
        {[
          <KpiCard
            key="registered"
            testId="kpi-registered"
            title={t('cases.figures.kpi.registered')}
            value={total?.registered ?? '—'}
          />,
          <KpiCard
            key="resolved"
            testId="kpi-resolved"
            title={t('cases.figures.kpi.resolved')}
            value={total?.resolved ?? '—'}
          />,
          <KpiCard
            key="closed"
            testId="kpi-closed"
            title={t('cases.figures.kpi.closed')}
            value={total?.closed ?? '—'}
          />,
          ...clockKeys.map((key) => {
            const c = total?.onTime[key];
            return (
              <KpiCard
                key={`onTime-${key}`}
                testId={`kpi-on-time-${key}`}
                title={t('cases.figures.kpi.onTime', { clock: clockName(key) })}
                value={pct(c?.rate)}
                note={c ? t('cases.figures.kpi.onTimeDetail', { met: c.met, stopped: c.stopped }) : undefined}
                color={c?.rate !== null && c?.rate !== undefined && c.rate < 0.9 ? '#d4380d' : undefined}
              />
            );
          }),
          <KpiCard
            key="median"
            testId="kpi-median"
            title={t('cases.figures.kpi.medianHours')}
            value={hours(total?.resolutionHours.median)}
            suffix={total?.resolutionHours.median != null ? t('cases.figures.hoursUnit') : undefined}
            note={basisNote}
            tip={methodTip}
          />,
          <KpiCard
            key="p90"
            testId="kpi-p90"
            title={t('cases.figures.kpi.p90Hours')}
            value={hours(total?.resolutionHours.p90)}
            suffix={total?.resolutionHours.p90 != null ? t('cases.figures.hoursUnit') : undefined}
            note={basisNote}
            tip={methodTip}
          />,
          <KpiCard
            key="callbackRate"
            testId="kpi-callback-rate"
            title={t('cases.figures.kpi.callbackRate')}
            value={pct(total?.callbacks.rate)}
          />,
          <KpiCard
            key="satisfaction"
            testId="kpi-satisfaction"
            title={t('cases.figures.kpi.satisfaction')}
            value={
              total?.callbacks.satisfactionAvg != null ? total.callbacks.satisfactionAvg.toFixed(2) : '—'
            }
            suffix={total?.callbacks.satisfactionAvg != null ? t('cases.figures.scoreUnit') : undefined}
            note={total ? t('cases.figures.kpi.unsatisfied', { n: total.callbacks.unsatisfied }) : undefined}
          />,
          <KpiCard
            key="rework"
            testId="kpi-rework"
            title={t('cases.figures.kpi.reworkRate')}
            value={pct(total?.reworkRate)}
            note={total ? t('cases.figures.kpi.reopened', { n: total.reopened }) : undefined}
          />,
          <KpiCard
            key="overdue"
            testId="kpi-overdue-now"
            title={t('cases.figures.kpi.overdueNow')}
            value={total?.overdueNow ?? '—'}
            color={total && total.overdueNow > 0 ? '#d4380d' : undefined}
          />,
        ].map((card) => (
          <Col key={card.key} xs={12} md={8} lg={6} xxl={4}>
            {card}
          </Col>
        ))}
      </Row>

      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} xl={12}>
          {chartCard(
            t('cases.figures.byCategory'),
            categoryQuery,
            categoryRows.length === 0,
            barOption,
            'figures-by-category',
          )}
        </Col>
        <Col xs={24} xl={12}>
          {chartCard(
            t('cases.figures.trend'),
            trendQuery,
            trendRows.length === 0 || trendClocks.length === 0,
            lineOption,
            'figures-trend',
          )}
        </Col>
      </Row>

      <Card size="small" title={t('cases.figures.rows')} data-testid="figures-table">
        <Table<FigureRow>
          size="small"
          rowKey="key"
          columns={columns}
          dataSource={figures?.rows ?? []}
          loading={query.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.figures.noData')} />,
          }}
          summary={() =>
            total && groupBy !== 'none' && (figures?.rows.length ?? 0) > 0 ? (
              <Table.Summary fixed>
                <Table.Summary.Row style={{ fontWeight: 600, background: '#fafbfd' }}>
                  {columns.map((col, i) => {
                    const render = (col as { render?: (v: unknown, r: FigureRow, i: number) => ReactNode })
                      .render;
                    const dataIndex = (col as { dataIndex?: keyof FigureRow }).dataIndex;
                    const content =
                      i === 0
                        ? t('cases.tally.total')
                        : render
                          ? render(undefined, total, 0)
                          : dataIndex
                            ? String(total[dataIndex] ?? '')
                            : '';
                    return (
                      <Table.Summary.Cell key={String(col.key ?? dataIndex ?? i)} index={i} align={col.align}>
                        {content}
                      </Table.Summary.Cell>
                    );
                  })}
                </Table.Summary.Row>
              </Table.Summary>
            ) : null
          }
        />
      </Card>
    </>
  );
};
