import type { Db, Executor } from '../../platform/db/database.js';
import { createVersionedCache } from '../../platform/db/versioned-cache.js';
import type { Deps } from '../../platform/deps.js';
import { requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors/app-error.js';
import * as calendarRepo from './calendar.repo.js';
import type { CalendarDayRow, CalendarRow } from './calendar.repo.js';
import type { CalendarDefinition, Duration, Pause, WorkingCalendar } from './working-time.js';
import {
  addWorkingTime,
  CalendarCoverageError,
  compileCalendar,
  DurationSyntaxError,
  measureWorkingTime,
  parseDuration,
} from './working-time.js';

/*
 * Using a stored calendar: the clock maths of the pure engine (working-time.ts) on a calendar
 * loaded from the database, compiled once per calendar version and kept in memory per handle.
 */

type Weekly = CalendarDefinition['weekly'];
type Hours = Weekly['mon'];

const compiled = createVersionedCache<number, WorkingCalendar>();

/** The engine's definition of a stored calendar: weekly hours, holidays, make-up days, coverage. */
export const definitionOf = (row: CalendarRow, days: CalendarDayRow[]): CalendarDefinition => ({
  timeZone: row.timeZone,
  weekly: JSON.parse(row.weeklyJson) as Weekly,
  holidays: days
    .filter((d) => d.kind === 'holiday')
    .map((d) => ({ from: d.date, to: d.date, ...(d.name ? { name: d.name } : {}) })),
  dateOverrides: days
    .filter((d) => d.kind === 'workday')
    .map((d) => ({ date: d.date, hours: JSON.parse(d.hoursJson ?? '[]') as Hours })),
  coverage: { fromYear: row.coverageFromYear, toYear: row.coverageToYear },
});

/**
 * The compiled calendar for the clock maths. Other modules (cases' SLA clocks) call this; the
 * version read is one indexed query, and a change by any process recompiles on next use.
 */
export const workingCalendarOf = async (
  { calendarId }: { calendarId: number },
  { db }: { db: Db | Executor },
): Promise<WorkingCalendar> => {
  const version = await calendarRepo.readVersion(db, calendarId);
  if (version === undefined) throw new AppError('calendar.not_found', { calendarId });
  const hit = compiled.get(db, calendarId, version);
  if (hit) return hit;
  const row = await calendarRepo.findCalendar(db, calendarId);
  if (!row) throw new AppError('calendar.not_found', { calendarId });
  const calendar = compileCalendar(definitionOf(row, await calendarRepo.listDays(db, calendarId)));
  compiled.set(db, calendarId, row.version, calendar);
  return calendar;
};

/** Engine errors become the application's codes. */
const asAppError = (error: unknown): never => {
  if (error instanceof CalendarCoverageError)
    throw new AppError('calendar.year_not_covered', { year: error.year });
  if (error instanceof DurationSyntaxError)
    throw new AppError('calendar.bad_duration', { duration: error.duration });
  throw error;
};

export const parseDurationText = (text: string): Duration => {
  try {
    return parseDuration(text);
  } catch (error) {
    return asAppError(error);
  }
};

const toPauses = (pauses?: Array<{ start: string; end: string }>): Pause[] | undefined =>
  pauses?.map((p) => ({ start: new Date(p.start), end: new Date(p.end) }));

/** When a duration that starts at `start` runs out, in the calendar's working time. */
export const addDuration = async (
  input: {
    calendarId: number;
    start: string;
    duration: string;
    pauses?: Array<{ start: string; end: string }> | undefined;
  },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<{ start: string; duration: string; end: string }> => {
  requirePermission(actor, 'org.read');
  const duration = parseDurationText(input.duration);
  const calendar = await workingCalendarOf(input, { db });
  try {
    const pauses = toPauses(input.pauses);
    const end = addWorkingTime({
      calendar,
      start: new Date(input.start),
      duration,
      ...(pauses ? { pauses } : {}),
    });
    return { start: new Date(input.start).toISOString(), duration: input.duration, end: end.toISOString() };
  } catch (error) {
    return asAppError(error);
  }
};

/** The working time between two instants, minus paused working time. */
export const measureDuration = async (
  input: {
    calendarId: number;
    start: string;
    end: string;
    pauses?: Array<{ start: string; end: string }> | undefined;
  },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<{ workingMs: number; workingHours: number; workingMinutes: number }> => {
  requirePermission(actor, 'org.read');
  const calendar = await workingCalendarOf(input, { db });
  try {
    const pauses = toPauses(input.pauses);
    const workingMs = measureWorkingTime({
      calendar,
      start: new Date(input.start),
      end: new Date(input.end),
      ...(pauses ? { pauses } : {}),
    });
    return { workingMs, workingHours: workingMs / 3_600_000, workingMinutes: Math.floor(workingMs / 60_000) };
  } catch (error) {
    return asAppError(error);
  }
};

/** The id of a calendar by its code, or undefined; case types name calendars by code. */
export const calendarIdByCode = async (
  { code }: { code: string },
  { db }: { db: Db | Executor },
): Promise<number | undefined> => (await calendarRepo.findCalendarByCode(db, code))?.id;

/** The compiled calendar with this code (see workingCalendarOf). */
export const workingCalendarByCode = async (
  { code }: { code: string },
  { db }: { db: Db | Executor },
): Promise<WorkingCalendar> => {
  const calendarId = await calendarIdByCode({ code }, { db });
  if (calendarId === undefined) throw new AppError('calendar.not_found', { calendarId: code });
  return workingCalendarOf({ calendarId }, { db });
};
