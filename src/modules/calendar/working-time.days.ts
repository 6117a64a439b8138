// Date-level questions: is a local date a working day, which working day is N days away, and
// why an instant is (not) working time, for screens and for explaining a due time.
import { DAY_MS } from './working-time.duration.js';
import { dateOfWall, lastAtMost, shiftWorkingDays, toMs, wallOfDate } from './working-time.intervals.js';
import type { Instant, WorkingCalendar, WorkingSegment, YearBlock } from './working-time.intervals.js';
import { minutesOf, weekdays, ZLocalDate } from './working-time.schema.js';
import type { Weekday } from './working-time.schema.js';

export type DayDescription = {
  date: string;
  weekday: Weekday;
  /** The date has working time (after holidays, overrides, breaks and leaves). */
  workingDay: boolean;
  /** The declared holiday the date falls in, if any (an override on the date still makes it work). */
  holiday: { name: string | null } | null;
  /** The date has its own hours (a 调休 make-up working day, or changed hours). */
  override: boolean;
  segments: WorkingSegment[];
};

/** Why an instant is or is not working time; a holiday explains more than a leave, a break or plain closed hours. */
export type InstantDescription = {
  /** The local date of the instant in the calendar's zone. */
  date: string;
  open: boolean;
  reason: 'open' | 'holiday' | 'leave' | 'break' | 'closed';
};

const locate = (calendar: WorkingCalendar, date: string): [YearBlock, number] => {
  const checked = ZLocalDate.safeParse(date);
  if (!checked.success) throw new RangeError(`Invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  const year = Number(date.slice(0, 4));
  const block = calendar.year(year);
  return [block, (wallOfDate(date) - Date.UTC(year, 0, 1)) / DAY_MS];
};

const dateOf = (block: YearBlock, day: number): string =>
  dateOfWall(Date.UTC(block.year, 0, 1) + day * DAY_MS);
const isWorkingIndex = (block: YearBlock, day: number): boolean =>
  block.dayRank[day + 1]! > block.dayRank[day]!;

/** Whether a local date (YYYY-MM-DD) has any working time. */
export const isWorkingDay = ({ calendar, date }: { calendar: WorkingCalendar; date: string }): boolean =>
  isWorkingIndex(...locate(calendar, date));

/**
 * The working day `delta` working days after `date` (before, when negative); the date itself is
 * not counted. `delta` 0 gives the date itself when it is a working day, else the next one.
 */
export const workingDayOffset = ({
  calendar,
  date,
  delta,
}: {
  calendar: WorkingCalendar;
  date: string;
  delta: number;
}): string => {
  if (!Number.isInteger(delta)) throw new RangeError('delta must be a whole number of working days');
  const [block, day] = locate(calendar, date);
  if (delta === 0 && isWorkingIndex(block, day)) return date;
  return dateOf(...shiftWorkingDays(calendar, block, day, delta === 0 ? 1 : delta));
};

const holidayOf = (calendar: WorkingCalendar, date: string): { name: string | null } | null => {
  const monthDay = date.slice(5);
  for (const h of calendar.definition.holidays ?? []) {
    const inside = h.yearly
      ? h.from.slice(5) <= h.to.slice(5)
        ? monthDay >= h.from.slice(5) && monthDay <= h.to.slice(5)
        : monthDay >= h.from.slice(5) || monthDay <= h.to.slice(5)
      : date >= h.from && date <= h.to;
    if (inside) return { name: h.name ?? null };
  }
  return null;
};

/** Everything the calendar says about one local date. */
export const describeDay = ({
  calendar,
  date,
}: {
  calendar: WorkingCalendar;
  date: string;
}): DayDescription => {
  const [block, day] = locate(calendar, date);
  const segments: WorkingSegment[] = [];
  for (let i = block.dayFirst[day]!; i < block.dayFirst[day + 1]!; i++)
    segments.push({ start: new Date(block.starts[i]!), end: new Date(block.ends[i]!) });
  return {
    date,
    weekday: weekdays[(new Date(wallOfDate(date)).getUTCDay() + 6) % 7]!,
    workingDay: segments.length > 0,
    holiday: holidayOf(calendar, date),
    override: (calendar.definition.dateOverrides ?? []).some((o) => o.date === date),
    segments,
  };
};

/** Whether an instant is working time, and if not, why. */
export const describeInstant = ({
  calendar,
  at,
}: {
  calendar: WorkingCalendar;
  at: Instant;
}): InstantDescription => {
  const t = toMs(at);
  const block = calendar.yearAt(t);
  const date = dateOf(block, lastAtMost(block.dayStart, block.days, t));
  const i = lastAtMost(block.starts, block.starts.length, t);
  if (i >= 0 && t < block.ends[i]!) return { date, open: true, reason: 'open' };
  const { definition } = calendar;
  const overridden = (definition.dateOverrides ?? []).some((o) => o.date === date);
  if (!overridden && holidayOf(calendar, date)) return { date, open: false, reason: 'holiday' };
  if ((definition.leaves ?? []).some((l) => Date.parse(l.start) <= t && t < Date.parse(l.end)))
    return { date, open: false, reason: 'leave' };
  const onBreak = (definition.dateBreaks ?? []).some(
    (b) =>
      b.date === date &&
      calendar.resolveWall(date, minutesOf(b.start)) <= t &&
      t < calendar.resolveWall(date, minutesOf(b.end)),
  );
  return { date, open: false, reason: onBreak ? 'break' : 'closed' };
};
