import { Card, Flex, Tag, Tooltip, Typography } from 'antd';
import ReactECharts from 'echarts-for-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { DashboardCard } from '../../api/indicators';
import { localName } from '../../api/cases';
import {
  STATUS_TAG,
  formatNumber,
  indicatorPath,
  statusColor,
  useIndicatorFormat,
  usePeriodText,
} from '../indicators/indicator-format';

/*
 * One indicator on the home dashboard: the latest value in its status colour, the target, and the
 * last 12 periods as a sparkline. The whole card is the way in: a click opens the indicator for the
 * same unit (its trend, the units under it, the cases behind it). Not the shared KpiCard: that one
 * is a figure only, without a status, a chart or a target to drill into.
 */

const NEUTRAL = '#1e4fa3';

const Sparkline = ({ card, color }: { card: DashboardCard; color: string }) => {
  const { format } = useIndicatorFormat();
  const periodText = usePeriodText();
  const option = {
    animation: false,
    grid: { left: 2, right: 2, top: 4, bottom: 2 },
    xAxis: {
      type: 'category',
      show: false,
      boundaryGap: false,
      data: card.sparkline.map((p) => periodText(card.grain, p.period)),
    },
    yAxis: { type: 'value', show: false, scale: true },
    tooltip: {
      trigger: 'axis',
      confine: true,
      valueFormatter: (v: unknown) => format(card.measure, typeof v === 'number' ? v : null),
    },
    series: [
      {
        type: 'line',
        // A point shows where no line can: the latest period, and a value between two gaps.
        data: card.sparkline.map((p, i, all) => ({
          value: p.value,
          symbol:
            p.value !== null &&
            (i === all.length - 1 || all[i - 1]?.value == null || all[i + 1]?.value == null)
              ? 'circle'
              : 'none',
        })),
        symbolSize: 5,
        lineStyle: { width: 1.5, color },
        itemStyle: { color },
        areaStyle: { color, opacity: 0.08 },
      },
    ],
  };
  return <ReactECharts option={option} notMerge style={{ height: 44 }} opts={{ renderer: 'svg' }} />;
};

export const IndicatorCard = ({ card, unitId }: { card: DashboardCard; unitId: number }) => {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { unitOf, targetText } = useIndicatorFormat();
  const periodText = usePeriodText();
  const color = statusColor(card.status);
  const unit = unitOf(card.measure);
  const open = () => void navigate(indicatorPath(card.key, unitId));
  const testId = `indicator-card-${card.key}`;
  return (
    <Card
      size="small"
      hoverable
      role="link"
      tabIndex={0}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter') open();
      }}
      style={{ height: '100%', borderTop: `3px solid ${color ?? '#d9dde5'}` }}
      data-testid={testId}
      data-status={card.status ?? 'none'}
      aria-label={`${localName(card, i18n.language)} · ${t('indicators.dashboard.drill')}`}
    >
      <Flex justify="space-between" align="flex-start" gap={8}>
        <Typography.Text strong ellipsis style={{ minWidth: 0 }}>
          {localName(card, i18n.language)}
        </Typography.Text>
        <Flex gap={4} style={{ flexShrink: 0 }}>
          {card.owned && <Tag variant="filled">{t('indicators.dashboard.owned')}</Tag>}
          <Tag
            color={card.status ? STATUS_TAG[card.status] : 'default'}
            style={{ marginInlineEnd: 0 }}
            data-testid={`${testId}-status`}
          >
            {t(`indicators.status.${card.status ?? 'none'}`)}
          </Tag>
        </Flex>
      </Flex>
      <Flex align="baseline" gap={6} style={{ marginTop: 6 }}>
        <span
          style={{ fontSize: 28, fontWeight: 600, lineHeight: 1.2, color: color ?? undefined }}
          data-testid={`${testId}-value`}
        >
          {card.value === null ? t('indicators.noValue') : formatNumber(card.measure, card.value)}
        </span>
        {card.value !== null && unit && <Typography.Text type="secondary">{unit}</Typography.Text>}
      </Flex>
      <Flex justify="space-between" gap={8} style={{ fontSize: 12 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`${testId}-target`}>
          {targetText(card.measure, card.direction, card)}
        </Typography.Text>
        {card.period && (
          <Tooltip title={t(`indicators.grain.${card.grain}`)}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('indicators.dashboard.periodOf', { label: periodText(card.grain, card.period) })}
            </Typography.Text>
          </Tooltip>
        )}
      </Flex>
      <Sparkline card={card} color={color ?? NEUTRAL} />
    </Card>
  );
};
