import { Button, Card, Empty, Result, Select } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getCalendar, listCalendars } from '../../api/calendars';
import { queryKeys } from '../../api/query-keys';
import type { Calendar, CalendarDay } from '../../api/types';
import { useCan } from '../../auth/session-context';
import { PageHeader } from '../../components/page-header';
import { PageLoading } from '../../components/page-loading';
import { errorText } from '../../lib/api-errors';
import { calendarDisplayName } from '../../lib/calendar-days';
import { todayInZone } from '../../lib/zoned-time';
import { CalendarSummary } from './calendar-summary';
import { DayEditorModal } from './day-editor-modal';
import type { DayEditorTarget } from './day-editor-modal';
import { DueCalculator, WorkingTimeMeter } from './due-calculator';
import { SpecialDaysTable } from './special-days-table';
import { YearView } from './year-view';

const clamp = (year: number, { fromYear, toYear }: Calendar['coverage']): number =>
  Math.min(Math.max(year, fromYear), toYear);

/** The current year on the calendar's clocks, within the years it covers. */
const defaultYear = (calendar: Calendar): number =>
  clamp(Number(todayInZone(calendar.timeZone).slice(0, 4)), calendar.coverage);

const CalendarWorkspace = ({ calendar, canManage }: { calendar: Calendar; canManage: boolean }) => {
  const { t } = useTranslation();
  const [chosenYear, setYear] = useState<number | null>(null);
  const year = clamp(chosenYear ?? defaultYear(calendar), calendar.coverage);
  const [editing, setEditing] = useState<DayEditorTarget | null>(null);

  const yearQuery = useQuery({
    queryKey: queryKeys.calendarYear(calendar.id, year),
    queryFn: () => getCalendar(calendar.id, year),
  });
  const days = yearQuery.data?.days;
  // The year's answer carries the calendar too: its weekly hours are the freshest we have.
  const current = yearQuery.data ?? calendar;
  const specials = useMemo(() => new Map((days ?? []).map((d) => [d.date, d])), [days]);
  const today = todayInZone(calendar.timeZone);

  const pick = useCallback((date: string) => setEditing({ date, special: specials.get(date) }), [specials]);
  const editDay = useCallback((day: CalendarDay) => setEditing({ date: day.date, special: day }), []);

  return (
    <>
      <CalendarSummary calendar={current} />
      <div className="gk-cal-layout">
        <div className="gk-cal-main">
          {yearQuery.isError && !days ? (
            <Card>
              <Result
                status="warning"
                title={t('common.loadFailed')}
                subTitle={errorText(yearQuery.error)}
                extra={<Button onClick={() => void yearQuery.refetch()}>{t('common.retry')}</Button>}
              />
            </Card>
          ) : (
            <YearView
              year={year}
              years={current.coverage}
              onYearChange={setYear}
              thisYear={Number(today.slice(0, 4))}
              days={days}
              weekly={current.weekly}
              today={today}
              loading={yearQuery.isFetching}
              canManage={canManage}
              onPick={pick}
            />
          )}
          <SpecialDaysTable
            calendar={current}
            year={year}
            days={days}
            loading={yearQuery.isFetching}
            canManage={canManage}
            onEdit={editDay}
          />
        </div>
        <aside className="gk-cal-side">
          <DueCalculator calendar={current} />
          <WorkingTimeMeter calendar={current} />
        </aside>
      </div>
      {canManage && <DayEditorModal calendar={current} target={editing} onClose={() => setEditing(null)} />}
    </>
  );
};

export const CalendarsPage = () => {
  const { t, i18n } = useTranslation();
  const canManage = useCan('calendar.manage');
  const listQuery = useQuery({ queryKey: queryKeys.calendars, queryFn: listCalendars });
  const calendars = listQuery.data?.items;
  const [chosenId, setChosenId] = useState<number | null>(null);
  const calendar = calendars?.find((c) => c.id === chosenId) ?? calendars?.[0];

  return (
    <div className="gk-calendars" data-testid="calendars-page">
      <PageHeader
        title={t('calendar.title')}
        subtitle={t('calendar.subtitle')}
        extra={
          calendars && calendars.length > 1 ? (
            <Select
              value={calendar?.id}
              onChange={setChosenId}
              style={{ minWidth: 280 }}
              aria-label={t('calendar.pick')}
              data-testid="calendar-select"
              options={calendars.map((c) => ({
                value: c.id,
                label: `${calendarDisplayName(c, i18n.language)}（${c.code}）`,
              }))}
            />
          ) : null
        }
      />
      {listQuery.isPending ? (
        <PageLoading />
      ) : listQuery.isError ? (
        <Card>
          <Result
            status="warning"
            title={t('common.loadFailed')}
            subTitle={errorText(listQuery.error)}
            extra={<Button onClick={() => void listQuery.refetch()}>{t('common.retry')}</Button>}
          />
        </Card>
      ) : calendar ? (
        <CalendarWorkspace key={calendar.id} calendar={calendar} canManage={canManage} />
      ) : (
        <Card>
          <Empty style={{ padding: '48px 0' }} description={t('calendar.empty')} />
        </Card>
      )}
    </div>
  );
};
