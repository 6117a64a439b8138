import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { reportingDayOf } from '../cases/case-figure-days.js';
import { binaryText, withId } from '../../platform/db/columns.js';

export const campaignsMigrations: Record<string, Migration> = {
  '0013_campaigns': {
    async up(db: Kysely<unknown>) {
      await withId(db, db.schema.createTable('campaigns'))
        .addColumn('key', binaryText(db), (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text')
        .addColumn('case_type_id', 'integer', (c) => c.notNull().references('case_types.id'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('restrict'))
        .addColumn('category_key', binaryText(db))
        .addColumn('rule_json', 'text', (c) => c.notNull())
        .addColumn('visit_case_type_id', 'integer', (c) => c.references('case_types.id'))
        .addColumn('target_count', 'integer', (c) => c.notNull())
        .addColumn('created_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('campaign_targets')
        .addColumn('campaign_id', 'integer', (c) =>
          c.notNull().references('campaigns.id').onDelete('cascade'),
        )
        .addColumn('external_key', binaryText(db), (c) => c.notNull())
        .addColumn('row_number', 'integer', (c) => c.notNull())
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('restrict'))
        .addColumn('data_json', 'text', (c) => c.notNull())
        .addColumn('visit_case_id', 'integer', (c) => c.references('cases.id').onDelete('set null'))
        .addPrimaryKeyConstraint('campaign_targets_pk', ['campaign_id', 'external_key'])
        .execute();
      await db.schema
        .createIndex('campaign_targets_case_uq')
        .on('campaign_targets')
        .column('case_id')
        .unique()
        .execute();
    },
  },
  '0014_target_lists': {
    async up(db: Kysely<unknown>) {
      await withId(db, db.schema.createTable('target_lists'))
        .addColumn('key', binaryText(db), (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('case_type_id', 'integer', (c) => c.notNull().references('case_types.id'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('restrict'))
        .addColumn('row_count', 'integer', (c) => c.notNull())
        .addColumn('created_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('target_list_rows')
        .addColumn('list_id', 'integer', (c) => c.notNull().references('target_lists.id').onDelete('cascade'))
        .addColumn('external_key', binaryText(db), (c) => c.notNull())
        .addColumn('row_number', 'integer', (c) => c.notNull())
        .addColumn('unit', 'text')
        .addColumn('category', 'text')
        .addColumn('data_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('target_list_rows_pk', ['list_id', 'external_key'])
        .execute();
    },
  },
  '0017_campaign_period': {
    // The month a campaign's list covers (清单月份): October's disconnections are dispatched early in
    // November, and the October report is about them. Campaigns before this column get the month
    // they were created in (Asia/Shanghai), which is what reports selected them by until now.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('campaigns').addColumn('period', 'text').execute();
      // An alias without an underscore: the handle's CamelCasePlugin renames result columns.
      const { rows } = await sql<{
        id: number;
        at: string;
      }>`select id, created_at as at from campaigns`.execute(db);
      for (const row of rows)
        await sql`update campaigns set period = ${reportingDayOf(row.at).slice(0, 7)} where id = ${row.id}`.execute(
          db,
        );
    },
  },
};
