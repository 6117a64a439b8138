import { Badge, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClockStatus } from '../api/cases';
import { CLOCK_STATUSES, parseLimit } from '../api/cases';

/** Green on track or met, orange at risk, red overdue or breached, grey paused or cancelled. */
export const CLOCK_STATUS_COLORS: Record<ClockStatus, string> = {
  on_track: '#2e9e5b',
  at_risk: '#e08a1e',
  overdue: '#d4380d',
  paused: '#8c98a8',
  met: '#2e9e5b',
  breached: '#d4380d',
  cancelled: '#bfbfbf',
};

export const isClockStatus = (value: unknown): value is ClockStatus =>
  typeof value === 'string' && (CLOCK_STATUSES as readonly string[]).includes(value);

/** A coloured dot and the words of a clock status (正常 / 即将超时 / 已超时 / 暂停计时 …). */
export const ClockStatusBadge = ({ status, testId }: { status: ClockStatus; testId?: string }) => {
  const { t } = useTranslation();
  return (
    <Badge
      color={CLOCK_STATUS_COLORS[status] ?? '#bfbfbf'}
      text={isClockStatus(status) ? t(`cases.clockStatus.${status}`) : status}
      data-testid={testId}
      data-status={status}
    />
  );
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A length of time in two units at most: `2 天 3 小时`, `5 小时 20 分钟`, `45 分钟`. Working time
 * is never put in days (a working day is not 24 hours): pass `days: false`.
 */
export const spanText = (t: TFunction, ms: number, { days = true }: { days?: boolean } = {}): string => {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return t('cases.span.lessThanMinute');
  const d = days ? Math.floor(abs / DAY) : 0;
  const h = Math.floor((abs - d * DAY) / HOUR);
  const m = Math.floor((abs - d * DAY - h * HOUR) / MINUTE);
  const parts: string[] = [];
  if (d > 0) parts.push(t('cases.span.days', { n: d }));
  if (h > 0) parts.push(t('cases.span.hours', { n: h }));
  // Minutes only matter when the span is short.
  if (m > 0 && d === 0 && h < 10) parts.push(t('cases.span.minutes', { n: m }));
  if (parts.length === 0) parts.push(t('cases.span.hours', { n: 0 }));
  return parts.slice(0, 2).join(' ');
};

/** `剩余 2 小时` / `超时 3 小时` from the time left (negative: overdue). */
export const remainingText = (t: TFunction, remainingMs: number, options?: { days?: boolean }): string =>
  remainingMs >= 0
    ? t('cases.span.remaining', { time: spanText(t, remainingMs, options) })
    : t('cases.span.overdue', { time: spanText(t, remainingMs, options) });

/** A configured limit in words: `4wh` → `4 工作小时`, `1wd` → `1 个工作日`, `30m` → `30 分钟`. */
export const limitText = (t: TFunction, limit: string): string => {
  const parsed = parseLimit(limit);
  return parsed ? t(`cases.limit.${parsed.unit}`, { n: parsed.value }) : limit;
};

/** The current time, refreshed every `intervalMs` so that relative times move on their own. */
export const useNow = (intervalMs = 60_000): number => {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
};

/** The next due time of a case relative to now, red once past. */
export const DueText = ({ dueAt, now }: { dueAt: string | null; now: number }) => {
  const { t } = useTranslation();
  if (!dueAt) return <Typography.Text type="secondary">{t('cases.list.noDue')}</Typography.Text>;
  const left = new Date(dueAt).getTime() - now;
  return (
    <Typography.Text type={left < 0 ? 'danger' : undefined} style={{ whiteSpace: 'nowrap' }}>
      {remainingText(t, left)}
    </Typography.Text>
  );
};
