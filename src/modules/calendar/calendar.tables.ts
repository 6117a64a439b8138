import type { Generated } from 'kysely';

/** A working calendar: weekly hours in a time zone; its special days are rows of calendar_days. */
export type CalendarTable = {
  id: Generated<number>;
  code: string;
  name: string;
  nameEn: string | null;
  timeZone: string;
  /** `{ mon: [["09:00","12:00"], …], …, sun: [] }` as JSON. */
  weeklyJson: string;
  /** The years whose holidays are known; a date outside them is an error, never a guess. */
  coverageFromYear: number;
  coverageToYear: number;
  /** Bumped with every change, so compiled calendars cached in memory know they are stale. */
  version: number;
  createdAt: string;
  updatedAt: string;
};

/** One special local date: a holiday (closed) or a working day (调休 make-up day, or changed hours). */
export type CalendarDayTable = {
  calendarId: number;
  date: string;
  kind: 'holiday' | 'workday';
  name: string | null;
  /** Hours of a working day as JSON (`[["09:00","12:00"], …]`); null for holidays. */
  hoursJson: string | null;
};

export type CalendarTables = { calendars: CalendarTable; calendarDays: CalendarDayTable };
