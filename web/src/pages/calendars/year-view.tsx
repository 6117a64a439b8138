import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Select, Skeleton, Space, Tooltip, Typography } from 'antd';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalendarDay, WeeklyHours } from '../../api/types';
import { WEEKDAYS } from '../../api/types';
import { dayBadge } from '../../components/day-type-tag';
import { dayTypeOf, formatHours, hoursOf, monthRuns, yearStats } from '../../lib/calendar-days';
import type { DayType } from '../../lib/calendar-days';
import { daysInMonth, isoDate, mondayIndex } from '../../lib/zoned-time';

const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
type MonthNo = (typeof MONTHS)[number];

type MonthProps = {
  year: number;
  month: MonthNo;
  specials: Map<string, CalendarDay>;
  days: readonly CalendarDay[];
  weekly: WeeklyHours;
  today: string;
  canManage: boolean;
  onPick: (date: string) => void;
};

const DayCell = ({
  date,
  day,
  type,
  tip,
  isToday,
  canManage,
  onPick,
}: {
  date: string;
  day: number;
  type: DayType;
  tip: string[];
  isToday: boolean;
  canManage: boolean;
  onPick: (date: string) => void;
}) => {
  const { t } = useTranslation();
  const badge = dayBadge(type);
  const className = `gk-cal-day gk-cal-day-${type}${isToday ? ' gk-cal-day-today' : ''}${
    canManage ? '' : ' gk-cal-day-readonly'
  }`;
  const content = (
    <>
      <span className="gk-cal-day-no">{day}</span>
      {badge && <span className="gk-cal-day-badge">{t(`calendar.badge.${badge}`)}</span>}
    </>
  );
  const common = {
    className,
    'data-testid': `calendar-day-${date}`,
    'data-day-type': type,
    'aria-label': tip.join(' · '),
  };
  return (
    <Tooltip
      title={tip.map((line) => (
        <div key={line}>{line}</div>
      ))}
      mouseEnterDelay={0.15}
      destroyOnHidden
    >
      {canManage ? (
        <button type="button" {...common} onClick={() => onPick(date)}>
          {content}
        </button>
      ) : (
        <span {...common}>{content}</span>
      )}
    </Tooltip>
  );
};

/** One month: a Monday-first grid of its days, and below it the named holidays and make-up days. */
const Month = memo(({ year, month, specials, days, weekly, today, canManage, onPick }: MonthProps) => {
  const { t } = useTranslation();
  const lead = mondayIndex(year, month, 1);
  const count = daysInMonth(year, month);
  const runs = monthRuns(days, year, month);
  const cells = [];
  for (let i = 0; i < lead; i++) cells.push(<span key={`blank-${i}`} className="gk-cal-blank" />);
  for (let day = 1; day <= count; day++) {
    const date = isoDate(year, month, day);
    const special = specials.get(date);
    const type = dayTypeOf(date, special, weekly);
    const weekday = t(`calendar.weekdays.${WEEKDAYS[(lead + day - 1) % 7] ?? 'mon'}`);
    const tip = [
      `${t('calendar.monthDay', { month, day })} ${weekday}`,
      special?.name ? `${t(`calendar.type.${type}`)} · ${special.name}` : t(`calendar.type.${type}`),
    ];
    const hours = hoursOf(date, special, weekly);
    if (hours.length) tip.push(t('calendar.tooltipHours', { hours: formatHours(hours, t) }));
    cells.push(
      <DayCell
        key={date}
        date={date}
        day={day}
        type={type}
        tip={tip}
        isToday={date === today}
        canManage={canManage}
        onPick={onPick}
      />,
    );
  }
  return (
    <section className="gk-cal-month" aria-label={t(`calendar.months.m${month}`)}>
      <header className="gk-cal-month-title">
        <span className="gk-cal-month-no">{month}</span>
        <span>{t(`calendar.months.m${month}`)}</span>
      </header>
      <div className="gk-cal-grid">
        {WEEKDAYS.map((d) => (
          <span
            key={d}
            className={`gk-cal-weekday${d === 'sat' || d === 'sun' ? ' gk-cal-weekday-end' : ''}`}
          >
            {t(`calendar.weekdaysShort.${d}`)}
          </span>
        ))}
        {cells}
      </div>
      <ul className="gk-cal-month-notes">
        {runs.map((run) => (
          <li key={`${run.kind}-${run.from}`} className={`gk-cal-note-${run.kind}`}>
            <span className="gk-cal-note-mark">{t(`calendar.badge.${run.kind}`)}</span>
            <span className="gk-cal-note-name">
              {run.name ?? t(run.kind === 'holiday' ? 'calendar.type.holiday' : 'calendar.type.makeup')}
            </span>
            <span className="gk-cal-note-days">
              {run.from === run.to
                ? t('calendar.dayOfMonth', { day: run.from })
                : t('calendar.dayRange', { from: run.from, to: run.to })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
});
Month.displayName = 'Month';

const LegendSwatch = ({ type }: { type: DayType }) => {
  const { t } = useTranslation();
  const badge = dayBadge(type);
  return (
    <span className={`gk-cal-swatch gk-cal-day-${type}`}>{badge ? t(`calendar.badge.${badge}`) : ''}</span>
  );
};

const Stat = ({ label, value, unit, tone }: { label: string; value: string; unit: string; tone: string }) => (
  <div className={`gk-cal-stat gk-cal-stat-${tone}`}>
    <div className="gk-cal-stat-label">{label}</div>
    <div className="gk-cal-stat-value">
      {value}
      <span className="gk-cal-stat-unit">{unit}</span>
    </div>
  </div>
);

export type YearViewProps = {
  year: number;
  years: { fromYear: number; toYear: number };
  onYearChange: (year: number) => void;
  thisYear: number;
  days: readonly CalendarDay[] | undefined;
  weekly: WeeklyHours;
  today: string;
  loading: boolean;
  canManage: boolean;
  onPick: (date: string) => void;
};

/** The twelve months of a year with every holiday (休) and make-up working day (班) marked. */
export const YearView = ({
  year,
  years,
  onYearChange,
  thisYear,
  days,
  weekly,
  today,
  loading,
  canManage,
  onPick,
}: YearViewProps) => {
  const { t } = useTranslation();
  const specials = useMemo(() => new Map((days ?? []).map((d) => [d.date, d])), [days]);
  const stats = useMemo(() => yearStats(year, specials, weekly), [year, specials, weekly]);
  const yearOptions = [];
  for (let y = years.toYear; y >= years.fromYear; y--)
    yearOptions.push({ value: y, label: t('calendar.year', { year: y }) });
  const inCoverage = thisYear >= years.fromYear && thisYear <= years.toYear;

  const legend: Array<{ type: DayType; label: string }> = [
    { type: 'holiday', label: t('calendar.type.holiday') },
    { type: 'makeup', label: t('calendar.type.makeup') },
    { type: 'weekend', label: t('calendar.type.weekend') },
    { type: 'workday', label: t('calendar.type.workday') },
  ];

  return (
    <Card
      className="gk-cal-card"
      title={
        <Flex align="center" gap={8} wrap>
          <Tooltip title={year <= years.fromYear ? t('calendar.outsideCoverage') : t('calendar.prevYear')}>
            <Button
              size="small"
              icon={<LeftOutlined />}
              aria-label={t('calendar.prevYear')}
              disabled={year <= years.fromYear}
              onClick={() => onYearChange(year - 1)}
              data-testid="calendar-prev-year"
            />
          </Tooltip>
          <Select
            size="small"
            value={year}
            options={yearOptions}
            onChange={onYearChange}
            style={{ width: 104 }}
            data-testid="calendar-year"
            aria-label={t('calendar.yearView', { year })}
          />
          <Tooltip title={year >= years.toYear ? t('calendar.outsideCoverage') : t('calendar.nextYear')}>
            <Button
              size="small"
              icon={<RightOutlined />}
              aria-label={t('calendar.nextYear')}
              disabled={year >= years.toYear}
              onClick={() => onYearChange(year + 1)}
              data-testid="calendar-next-year"
            />
          </Tooltip>
          {inCoverage && year !== thisYear && (
            <Button size="small" type="link" onClick={() => onYearChange(thisYear)}>
              {t('calendar.thisYear')}
            </Button>
          )}
        </Flex>
      }
      extra={
        <Space size={14} wrap className="gk-cal-legend">
          {legend.map(({ type, label }) => (
            <span key={type} className="gk-cal-legend-item">
              <LegendSwatch type={type} />
              {label}
            </span>
          ))}
          <span className="gk-cal-legend-item">
            <span className="gk-cal-swatch gk-cal-swatch-today" />
            {t('calendar.legendToday')}
          </span>
        </Space>
      }
    >
      <div className="gk-cal-stats">
        <Stat
          tone="holiday"
          label={t('calendar.stats.holidays')}
          value={String(stats.holidays)}
          unit={t('calendar.stats.days')}
        />
        <Stat
          tone="makeup"
          label={t('calendar.stats.makeups')}
          value={String(stats.makeups)}
          unit={t('calendar.stats.days')}
        />
        <Stat
          tone="workday"
          label={t('calendar.stats.workingDays')}
          value={String(stats.workingDays)}
          unit={t('calendar.stats.days')}
        />
        <Stat
          tone="hours"
          label={t('calendar.stats.workingHours')}
          value={(stats.workingMinutes / 60).toLocaleString(undefined, { maximumFractionDigits: 1 })}
          unit={t('calendar.stats.hours')}
        />
        <Typography.Text type="secondary" className="gk-cal-hint">
          {canManage ? t('calendar.clickHint') : t('calendar.readOnlyHint')}
        </Typography.Text>
      </div>
      {loading && !days ? (
        <Skeleton active paragraph={{ rows: 12 }} />
      ) : (
        <div className="gk-cal-year" data-testid="calendar-year-view" data-year={year} aria-busy={loading}>
          {MONTHS.map((month) => (
            <Month
              key={month}
              year={year}
              month={month}
              specials={specials}
              days={days ?? []}
              weekly={weekly}
              today={today}
              canManage={canManage}
              onPick={onPick}
            />
          ))}
        </div>
      )}
    </Card>
  );
};
