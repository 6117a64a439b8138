import { HistoryOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Skeleton, Table, Tag, Tooltip } from 'antd';
import type { TableColumnsType } from 'antd';
import ReactECharts from 'echarts-for-react';
import { useTranslation } from 'react-i18next';
import type { IndicatorDefinition, IndicatorValue } from '../../api/indicators';
import { STATUS_COLORS, STATUS_TAG, useIndicatorFormat, usePeriodText } from './indicator-format';

/*
 * A unit's last 12 periods: the value as a line whose points take their status colour, the target
 * as a dashed step line (targets may change with the period, so it is a series, not one mark line),
 * and the same numbers as a table with each period's history.
 */

export const IndicatorTrend = ({
  def,
  rows,
  loading,
  onHistory,
}: {
  def: IndicatorDefinition;
  rows: IndicatorValue[] | undefined;
  loading: boolean;
  onHistory: (row: IndicatorValue) => void;
}) => {
  const { t } = useTranslation();
  const { format, formatValue, gapText } = useTrendFormat(def);
  const periodText = usePeriodText();
  if (loading && !rows)
    return (
      <Card size="small" title={t('indicators.page.trend')} style={{ marginBottom: 16 }}>
        <Skeleton active />
      </Card>
    );
  const series = rows ?? [];
  const scale = def.measure.kind === 'ratio' ? 100 : 1;
  const option = {
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? formatValue(v / scale) : '—'),
    },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: series.map((r) => periodText(def.grain, r.period)) },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { formatter: def.measure.kind === 'ratio' ? '{value}%' : '{value}' },
      minInterval: def.measure.kind === 'count' ? 1 : undefined,
    },
    series: [
      {
        name: t('indicators.page.series'),
        type: 'line',
        data: series.map((r) => ({
          value: r.value === null ? null : r.value * scale,
          itemStyle: r.status ? { color: STATUS_COLORS[r.status] } : undefined,
        })),
        symbolSize: 8,
        lineStyle: { color: '#1e4fa3', width: 2 },
        itemStyle: { color: '#1e4fa3' },
      },
      {
        name: t('indicators.page.targetSeries'),
        type: 'line',
        step: 'middle',
        symbol: 'none',
        data: series.map((r) => (r.target === null ? null : r.target * scale)),
        lineStyle: { type: 'dashed', color: '#8c98a8' },
        itemStyle: { color: '#8c98a8' },
      },
    ],
  };
  const columns: TableColumnsType<IndicatorValue> = [
    {
      title: t('indicators.field.period'),
      key: 'period',
      width: 110,
      render: (_v, r) => periodText(def.grain, r.period),
    },
    {
      title: t('indicators.field.value'),
      key: 'value',
      align: 'right',
      render: (_v, r) => format(r.value),
    },
    {
      title: t('indicators.field.ownValue'),
      key: 'own',
      align: 'right',
      render: (_v, r) => format(r.ownValue),
    },
    {
      title: t('indicators.field.target'),
      key: 'target',
      align: 'right',
      render: (_v, r) => format(r.target),
    },
    { title: t('indicators.field.gap'), key: 'gap', align: 'right', render: (_v, r) => gapText(r.gap) },
    {
      title: t('indicators.field.status'),
      key: 'status',
      render: (_v, r) =>
        r.status ? <Tag color={STATUS_TAG[r.status]}>{t(`indicators.status.${r.status}`)}</Tag> : '—',
    },
    {
      key: 'history',
      width: 48,
      render: (_v, r) => (
        <Tooltip title={t('indicators.page.history')}>
          <Button
            type="text"
            size="small"
            icon={<HistoryOutlined />}
            aria-label={t('indicators.page.history')}
            onClick={() => onHistory(r)}
          />
        </Tooltip>
      ),
    },
  ];
  return (
    <Card
      size="small"
      title={t('indicators.page.trend')}
      style={{ marginBottom: 16 }}
      data-testid="indicator-trend"
    >
      {series.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('indicators.noValue')} />
      ) : (
        <>
          <ReactECharts option={option} notMerge style={{ height: 280 }} />
          <Table<IndicatorValue>
            size="small"
            rowKey="period"
            columns={columns}
            dataSource={[...series].reverse()}
            pagination={false}
            scroll={{ x: 'max-content' }}
            data-testid="indicator-values"
          />
        </>
      )}
    </Card>
  );
};

/** The formatters of one indicator's measure. */
export const useTrendFormat = (def: IndicatorDefinition) => {
  const { format: formatMeasure, gapText: gapOf } = useIndicatorFormat();
  return {
    format: (v: number | null | undefined) => formatMeasure(def.measure, v),
    formatValue: (v: number) => formatMeasure(def.measure, v),
    gapText: (gap: number | null | undefined) => gapOf(def.measure, gap),
  };
};
