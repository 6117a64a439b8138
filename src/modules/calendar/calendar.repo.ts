import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { CalendarDayTable, CalendarTable } from './calendar.tables.js';

export type CalendarRow = Selectable<CalendarTable>;
export type CalendarDayRow = Selectable<CalendarDayTable>;

export const listCalendars = (db: Executor) => db.selectFrom('calendars').selectAll().orderBy('id').execute();

export const findCalendar = (db: Executor, id: number) =>
  db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();

export const findCalendarByCode = (db: Executor, code: string) =>
  db.selectFrom('calendars').selectAll().where('code', '=', code).executeTakeFirst();

export const insertCalendar = (db: Executor, values: Insertable<CalendarTable>) =>
  db.insertInto('calendars').values(values).returningAll().executeTakeFirstOrThrow();

/** Updates and bumps the version, so that compiled copies in any process go stale. */
export const updateCalendar = (db: Executor, id: number, values: Updateable<CalendarTable>) =>
  db
    .updateTable('calendars')
    .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const readVersion = async (db: Executor, id: number) =>
  (await db.selectFrom('calendars').select('version').where('id', '=', id).executeTakeFirst())?.version;

export const listDays = (db: Executor, calendarId: number, range?: { from: string; to: string }) => {
  let query = db.selectFrom('calendarDays').selectAll().where('calendarId', '=', calendarId);
  if (range) query = query.where('date', '>=', range.from).where('date', '<=', range.to);
  return query.orderBy('date').execute();
};

export const upsertDays = async (db: Executor, rows: Insertable<CalendarDayTable>[]) => {
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('calendarDays')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc.columns(['calendarId', 'date']).doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          name: eb.ref('excluded.name'),
          hoursJson: eb.ref('excluded.hoursJson'),
        })),
      )
      .execute();
  }
};

export const deleteDay = (db: Executor, calendarId: number, date: string) =>
  db
    .deleteFrom('calendarDays')
    .where('calendarId', '=', calendarId)
    .where('date', '=', date)
    .executeTakeFirst();
