import type { TFunction } from 'i18next';
import type { Calendar, CalendarDay, TimeRange, Weekday, WeeklyHours } from '../api/types';
import { WEEKDAYS } from '../api/types';
import { daysInMonth, isoDate, mondayIndexOf } from './zoned-time';

/**
 * What a date is in a calendar: a holiday (休), a make-up working day on a rest day (班, 调休), a
 * working day with changed hours, a weekend (no weekly hours) or an ordinary working day.
 */
export type DayType = 'holiday' | 'makeup' | 'adjusted' | 'weekend' | 'workday';

export const weekdayOf = (date: string): Weekday => WEEKDAYS[mondayIndexOf(date)] ?? 'mon';

export const dayTypeOf = (date: string, special: CalendarDay | undefined, weekly: WeeklyHours): DayType => {
  const weeklyHours = weekly[weekdayOf(date)];
  if (special?.kind === 'holiday') return 'holiday';
  if (special?.kind === 'workday') return weeklyHours.length === 0 ? 'makeup' : 'adjusted';
  return weeklyHours.length === 0 ? 'weekend' : 'workday';
};

/** The working hours of a date: its own when it is special, else the weekly ones. */
export const hoursOf = (date: string, special: CalendarDay | undefined, weekly: WeeklyHours): TimeRange[] => {
  if (special) return special.kind === 'holiday' ? [] : (special.hours ?? []);
  return weekly[weekdayOf(date)];
};

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export const rangeMinutes = (hours: readonly TimeRange[]): number =>
  hours.reduce((sum, [start, end]) => sum + Math.max(0, minutesOf(end) - minutesOf(start)), 0);

/** `09:00–12:00、13:30–18:00` (the separator of the UI language). */
export const formatHours = (hours: readonly TimeRange[], t: TFunction): string =>
  hours.length
    ? hours.map(([start, end]) => `${start}–${end}`).join(t('common.listSeparator'))
    : t('calendar.restDay');

const sameHours = (a: readonly TimeRange[], b: readonly TimeRange[]): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** `周一至周五 09:00–12:00、13:30–18:00；周六、周日 休息`: runs of days with the same hours. */
export const summariseWeekly = (weekly: WeeklyHours, t: TFunction): string => {
  const runs: Array<{ days: Weekday[]; hours: TimeRange[] }> = [];
  for (const day of WEEKDAYS) {
    const last = runs[runs.length - 1];
    if (last && sameHours(last.hours, weekly[day])) last.days.push(day);
    else runs.push({ days: [day], hours: weekly[day] });
  }
  const dayName = (day: Weekday) => t(`calendar.weekdays.${day}`);
  return runs
    .map(({ days, hours }) => {
      const first = days[0] ?? 'mon';
      const last = days[days.length - 1] ?? first;
      const label =
        days.length >= 3
          ? t('calendar.weekdayRange', { from: dayName(first), to: dayName(last) })
          : days.map(dayName).join(t('common.listSeparator'));
      return `${label} ${formatHours(hours, t)}`;
    })
    .join(t('calendar.segmentSeparator'));
};

export type YearStats = {
  holidays: number;
  makeups: number;
  workingDays: number;
  workingMinutes: number;
};

/** Counts of one year: holidays and special working days as declared, working days and hours as they result. */
export const yearStats = (
  year: number,
  specials: Map<string, CalendarDay>,
  weekly: WeeklyHours,
): YearStats => {
  const stats: YearStats = { holidays: 0, makeups: 0, workingDays: 0, workingMinutes: 0 };
  for (let month = 1; month <= 12; month++) {
    for (let day = 1; day <= daysInMonth(year, month); day++) {
      const date = isoDate(year, month, day);
      const special = specials.get(date);
      const type = dayTypeOf(date, special, weekly);
      if (type === 'holiday') stats.holidays++;
      if (type === 'makeup' || type === 'adjusted') stats.makeups++;
      const minutes = rangeMinutes(hoursOf(date, special, weekly));
      if (minutes > 0) {
        stats.workingDays++;
        stats.workingMinutes += minutes;
      }
    }
  }
  return stats;
};

/** A run of consecutive special days of one kind and name in a month (国庆节 1–7日). */
export type SpecialRun = { kind: CalendarDay['kind']; name: string | null; from: number; to: number };

export const monthRuns = (days: readonly CalendarDay[], year: number, month: number): SpecialRun[] => {
  const prefix = `${isoDate(year, month, 1).slice(0, 8)}`;
  const runs: SpecialRun[] = [];
  for (const d of [...days]
    .filter((x) => x.date.startsWith(prefix))
    .sort((a, b) => a.date.localeCompare(b.date))) {
    const day = Number(d.date.slice(8, 10));
    const last = runs[runs.length - 1];
    if (last && last.kind === d.kind && last.name === d.name && last.to === day - 1) last.to = day;
    else runs.push({ kind: d.kind, name: d.name, from: day, to: day });
  }
  return runs;
};

/** The calendar's name in the UI language: the English name when the UI is English and one is set. */
export const calendarDisplayName = (calendar: Pick<Calendar, 'name' | 'nameEn'>, lang: string): string =>
  lang === 'en' && calendar.nameEn ? calendar.nameEn : calendar.name;
