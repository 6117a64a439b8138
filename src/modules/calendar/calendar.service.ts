import { requirePermission } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import type { Db, Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import * as calendarRepo from './calendar.repo.js';
import type { CalendarDayRow, CalendarRow } from './calendar.repo.js';
import type {
  Calendar,
  CalendarDay,
  CreateCalendarInput,
  SetDayInput,
  UpdateCalendarInput,
} from './calendar.schema.js';
import { ZCreateCalendarInput } from './calendar.schema.js';
import { officialChineseDays, officialYears } from './holiday-source.js';
import type { CalendarDefinition } from './working-time.js';

type Weekly = CalendarDefinition['weekly'];
type Hours = Weekly['mon'];

const toCalendar = (row: CalendarRow): Calendar => ({
  id: row.id,
  code: row.code,
  name: row.name,
  nameEn: row.nameEn,
  timeZone: row.timeZone,
  weekly: JSON.parse(row.weeklyJson) as Weekly,
  coverage: { fromYear: row.coverageFromYear, toYear: row.coverageToYear },
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const toDay = (row: CalendarDayRow): CalendarDay => ({
  date: row.date,
  kind: row.kind,
  name: row.name,
  hours: row.hoursJson ? (JSON.parse(row.hoursJson) as Hours) : null,
});

const requireCalendar = async (db: Executor, calendarId: number) => {
  const row = await calendarRepo.findCalendar(db, calendarId);
  if (!row) throw new AppError('calendar.not_found', { calendarId });
  return row;
};

/** Calendars are organisation-wide settings: any signed-in user may read them. */
export const listCalendars = async ({ db, actor }: Pick<Deps, 'db' | 'actor'>): Promise<Calendar[]> => {
  requirePermission(actor, 'org.read');
  return (await calendarRepo.listCalendars(db)).map(toCalendar);
};

/** A calendar with its special days, of one year or of all years. */
export const getCalendar = async (
  { calendarId, year }: { calendarId: number; year?: number | undefined },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<Calendar & { days: CalendarDay[] }> => {
  requirePermission(actor, 'org.read');
  const row = await requireCalendar(db, calendarId);
  const range = year === undefined ? undefined : { from: `${year}-01-01`, to: `${year}-12-31` };
  return { ...toCalendar(row), days: (await calendarRepo.listDays(db, calendarId, range)).map(toDay) };
};

const officialRows = (calendarId: number, weekly: Weekly, fromYear: number, toYear: number) => {
  const known = officialYears();
  for (const year of [fromYear, toYear]) {
    if (year < known.fromYear || year > known.toYear)
      throw new AppError('calendar.no_official_data', { year });
  }
  return officialChineseDays(fromYear, toYear).map((d) => ({
    calendarId,
    date: d.date,
    kind: d.kind,
    name: d.name,
    // A make-up working day (调休) works like an ordinary weekday.
    hoursJson: d.kind === 'workday' ? JSON.stringify(weekly.mon) : null,
  }));
};

export const createCalendar = async (
  input: CreateCalendarInput,
  { db, clock, actor }: Deps,
): Promise<Calendar> => {
  requirePermission(actor, 'calendar.manage');
  const values = ZCreateCalendarInput.parse(input);
  return db.transaction().execute(async (tx) => {
    if (await calendarRepo.findCalendarByCode(tx, values.code))
      throw new AppError('calendar.code_taken', { code: values.code });
    const now = clock.now().toISOString();
    const coverage = values.officialHolidays ?? {
      fromYear: clock.now().getUTCFullYear(),
      toYear: clock.now().getUTCFullYear(),
    };
    const row = await calendarRepo.insertCalendar(tx, {
      code: values.code,
      name: values.name,
      nameEn: values.nameEn ?? null,
      timeZone: values.timeZone,
      weeklyJson: JSON.stringify(values.weekly),
      coverageFromYear: coverage.fromYear,
      coverageToYear: coverage.toYear,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (values.officialHolidays) {
      await calendarRepo.upsertDays(
        tx,
        officialRows(row.id, values.weekly, coverage.fromYear, coverage.toYear),
      );
    }
    const calendar = toCalendar(row);
    await recordAudit(
      tx,
      { action: 'calendar.create', entity: 'calendar', entityId: row.id, after: calendar },
      { actor, clock },
    );
    return calendar;
  });
};

export const updateCalendar = async (
  { calendarId, patch }: { calendarId: number; patch: UpdateCalendarInput },
  { db, clock, actor }: Deps,
): Promise<Calendar> => {
  requirePermission(actor, 'calendar.manage');
  return db.transaction().execute(async (tx) => {
    const before = toCalendar(await requireCalendar(tx, calendarId));
    const { weekly, coverage, ...fields } = patch;
    const row = await calendarRepo.updateCalendar(tx, calendarId, {
      ...fields,
      ...(weekly ? { weeklyJson: JSON.stringify(weekly) } : {}),
      ...(coverage ? { coverageFromYear: coverage.fromYear, coverageToYear: coverage.toYear } : {}),
      updatedAt: clock.now().toISOString(),
    });
    const after = toCalendar(row);
    await recordAudit(
      tx,
      { action: 'calendar.update', entity: 'calendar', entityId: calendarId, before, after },
      { actor, clock },
    );
    return after;
  });
};

/** Marks one local date a holiday or a working day (with its hours), replacing what it was. */
export const setCalendarDay = async (
  { calendarId, date, day }: { calendarId: number; date: string; day: SetDayInput },
  { db, clock, actor }: Deps,
): Promise<CalendarDay> => {
  requirePermission(actor, 'calendar.manage');
  return db.transaction().execute(async (tx) => {
    const calendar = toCalendar(await requireCalendar(tx, calendarId));
    const year = Number(date.slice(0, 4));
    // A day outside the coverage would be stored but never used: say so instead.
    if (year < calendar.coverage.fromYear || year > calendar.coverage.toYear) {
      throw new AppError('calendar.year_not_covered', { year });
    }
    const before = (await calendarRepo.listDays(tx, calendarId, { from: date, to: date }))[0];
    const hours = day.kind === 'workday' ? (day.hours ?? calendar.weekly.mon) : null;
    const row = {
      calendarId,
      date,
      kind: day.kind,
      name: day.name ?? null,
      hoursJson: hours ? JSON.stringify(hours) : null,
    };
    await calendarRepo.upsertDays(tx, [row]);
    await calendarRepo.updateCalendar(tx, calendarId, { updatedAt: clock.now().toISOString() });
    const after = toDay(row);
    await recordAudit(
      tx,
      {
        action: 'calendar.set_day',
        entity: 'calendar',
        entityId: calendarId,
        before: before ? toDay(before) : null,
        after,
      },
      { actor, clock },
    );
    return after;
  });
};

/** Makes a date an ordinary day of the weekly hours again. */
export const removeCalendarDay = async (
  { calendarId, date }: { calendarId: number; date: string },
  { db, clock, actor }: Deps,
): Promise<void> => {
  requirePermission(actor, 'calendar.manage');
  await db.transaction().execute(async (tx) => {
    await requireCalendar(tx, calendarId);
    const before = (await calendarRepo.listDays(tx, calendarId, { from: date, to: date }))[0];
    if (!before) return;
    await calendarRepo.deleteDay(tx, calendarId, date);
    await calendarRepo.updateCalendar(tx, calendarId, { updatedAt: clock.now().toISOString() });
    await recordAudit(
      tx,
      { action: 'calendar.remove_day', entity: 'calendar', entityId: calendarId, before: toDay(before) },
      { actor, clock },
    );
  });
};

/** Loads the official Chinese holidays of some years into a calendar and extends its coverage. */
export const loadOfficialHolidays = async (
  { calendarId, fromYear, toYear }: { calendarId: number; fromYear: number; toYear: number },
  { db, clock, actor }: Deps,
): Promise<Calendar> => {
  requirePermission(actor, 'calendar.manage');
  return db.transaction().execute(async (tx) => {
    const before = toCalendar(await requireCalendar(tx, calendarId));
    const rows = officialRows(calendarId, before.weekly, fromYear, toYear);
    await calendarRepo.upsertDays(tx, rows);
    const row = await calendarRepo.updateCalendar(tx, calendarId, {
      coverageFromYear: Math.min(before.coverage.fromYear, fromYear),
      coverageToYear: Math.max(before.coverage.toYear, toYear),
      updatedAt: clock.now().toISOString(),
    });
    const after = toCalendar(row);
    await recordAudit(
      tx,
      {
        action: 'calendar.load_official',
        entity: 'calendar',
        entityId: calendarId,
        before: before.coverage,
        after: { ...after.coverage, days: rows.length },
      },
      { actor, clock },
    );
    return after;
  });
};

/** The standard Chinese calendar: Mon–Fri 09:00–12:00 and 13:30–18:00, Asia/Shanghai, official holidays. */
export const standardCalendarCode = 'CN-STD';

/** Makes sure the standard calendar exists (start-up); loads every year of official holiday data. */
export const ensureStandardCalendar = async ({ db, clock }: { db: Db; clock: Clock }): Promise<void> => {
  if (await calendarRepo.findCalendarByCode(db, standardCalendarCode)) return;
  const day: Hours = [
    ['09:00', '12:00'],
    ['13:30', '18:00'],
  ];
  await createCalendar(
    {
      code: standardCalendarCode,
      name: '标准工作日历（中国大陆）',
      nameEn: 'Standard working calendar (Mainland China)',
      timeZone: 'Asia/Shanghai',
      weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] },
      officialHolidays: officialYears(),
    },
    { db, clock, actor: { kind: 'system', userId: null, name: 'bootstrap' } },
  );
};
