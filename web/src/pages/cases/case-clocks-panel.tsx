import { FieldTimeOutlined } from '@ant-design/icons';
import { Card, Empty, Flex, Progress, Tag, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { localName, parseLimit } from '../../api/cases';
import type { CaseClock } from '../../api/cases';
import {
  CLOCK_STATUS_COLORS,
  ClockStatusBadge,
  limitText,
  remainingText,
  spanText,
} from '../../components/case-clock';
import { formatDateTime } from '../../lib/format';

/** How much of the time to the due time has gone by now; a stopped clock shows a full bar in its colour. */
const elapsedPercent = (clock: CaseClock, now: number): number => {
  if (clock.stoppedAt !== null || clock.status === 'met' || clock.status === 'breached') return 100;
  const start = Date.parse(clock.startedAt);
  const due = Date.parse(clock.dueAt);
  if (!Number.isFinite(start) || !Number.isFinite(due) || due <= start) return 0;
  return Math.max(0, Math.min(100, Math.round(((now - start) / (due - start)) * 100)));
};

const Line = ({ label, children }: { label: string; children: ReactNode }) => (
  <Flex justify="space-between" gap={8} style={{ fontSize: 13 }}>
    <Typography.Text type="secondary">{label}</Typography.Text>
    <span style={{ textAlign: 'end' }}>{children}</span>
  </Flex>
);

/** One card per SLA clock (接单 / 到场 / 解决 …): limit, due time, time left, a bar coloured by status. */
export const CaseClocksPanel = ({ clocks, now }: { clocks: CaseClock[]; now: number }) => {
  const { t, i18n } = useTranslation();
  return (
    <Card
      size="small"
      title={
        <Flex align="center" gap={8}>
          <FieldTimeOutlined style={{ color: '#1e4fa3' }} />
          {t('cases.clocks.title')}
        </Flex>
      }
      data-testid="case-clocks"
    >
      {clocks.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.clocks.none')} />
      ) : (
        <Flex vertical gap={10}>
          {clocks.map((clock) => {
            const running = clock.stoppedAt === null && clock.status !== 'cancelled';
            const left = Date.parse(clock.dueAt) - now;
            const working = parseLimit(clock.limit)?.working ?? false;
            const color = CLOCK_STATUS_COLORS[clock.status] ?? '#bfbfbf';
            return (
              <div
                key={clock.key}
                data-testid={`case-clock-${clock.key}`}
                data-status={clock.status}
                style={{
                  border: '1px solid #eef0f4',
                  borderInlineStart: `3px solid ${color}`,
                  borderRadius: 6,
                  padding: '8px 12px',
                }}
              >
                <Flex justify="space-between" align="center" gap={8}>
                  <Typography.Text strong>
                    {localName(clock, i18n.language)}
                    {clock.cycle > 1 && (
                      <Tag style={{ marginInlineStart: 6 }} color="volcano" variant="filled">
                        {t('cases.clocks.cycle', { n: clock.cycle })}
                      </Tag>
                    )}
                  </Typography.Text>
                  <ClockStatusBadge status={clock.status} />
                </Flex>
                <Progress
                  percent={elapsedPercent(clock, now)}
                  showInfo={false}
                  size="small"
                  strokeColor={color}
                  status={running && clock.status !== 'paused' ? 'active' : 'normal'}
                  style={{ margin: '4px 0' }}
                />
                <Line label={t('cases.clocks.limit')}>
                  {working ? (
                    <Tooltip title={t('cases.clocks.workingNote')}>
                      <span style={{ borderBottom: '1px dashed #bfbfbf' }}>{limitText(t, clock.limit)}</span>
                    </Tooltip>
                  ) : (
                    limitText(t, clock.limit)
                  )}
                </Line>
                <Line label={t('cases.clocks.dueAt')}>{formatDateTime(clock.dueAt)}</Line>
                {running ? (
                  <Line label={t('cases.clocks.remaining')}>
                    <Typography.Text
                      type={left < 0 ? 'danger' : undefined}
                      strong
                      data-testid="case-clock-remaining"
                    >
                      {remainingText(t, left)}
                    </Typography.Text>
                  </Line>
                ) : (
                  clock.stoppedAt && (
                    <Line label={t('cases.clocks.stoppedAt')}>{formatDateTime(clock.stoppedAt)}</Line>
                  )
                )}
                {clock.pausedMs > 0 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('cases.clocks.pausedFor', { time: spanText(t, clock.pausedMs, { days: !working }) })}
                  </Typography.Text>
                )}
              </div>
            );
          })}
        </Flex>
      )}
    </Card>
  );
};
