import type { Kysely, Migration } from 'kysely';
import { binaryText, withId } from '../../platform/db/columns.js';

export const calendarMigrations: Record<string, Migration> = {
  '0006_calendars': {
    async up(db: Kysely<unknown>) {
      await withId(db, db.schema.createTable('calendars'))
        .addColumn('code', binaryText(db), (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text')
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('weekly_json', 'text', (c) => c.notNull())
        .addColumn('coverage_from_year', 'integer', (c) => c.notNull())
        .addColumn('coverage_to_year', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('calendar_days')
        .addColumn('calendar_id', 'integer', (c) =>
          c.notNull().references('calendars.id').onDelete('cascade'),
        )
        .addColumn('date', binaryText(db), (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('hours_json', 'text')
        .addPrimaryKeyConstraint('calendar_days_pk', ['calendar_id', 'date'])
        .execute();
    },
  },
};
