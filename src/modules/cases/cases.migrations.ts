import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { binaryText, withId } from '../../platform/db/columns.js';
import type { Executor } from '../../platform/db/database.js';
import { dialectOf } from '../../platform/db/database.js';
import { rebuildCaseFigures } from './case-figure-days.js';

export const casesMigrations: Record<string, Migration> = {
  '0008_cases': {
    async up(db: Kysely<unknown>) {
      const blob = dialectOf(db) === 'postgres' ? sql`bytea` : sql`blob`;
      await withId(db, db.schema.createTable('case_types'))
        .addColumn('key', binaryText(db), (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text')
        .addColumn('definition_json', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await withId(db, db.schema.createTable('cases'))
        .addColumn('case_type_id', 'integer', (c) => c.notNull().references('case_types.id'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('restrict'))
        .addColumn('external_key', binaryText(db))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('category_key', binaryText(db), (c) => c.notNull())
        .addColumn('priority_key', binaryText(db), (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('is_open', 'integer', (c) => c.notNull())
        .addColumn('customer_id', 'integer', (c) => c.references('customers.id').onDelete('set null'))
        .addColumn('registrant_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('assignee_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('fields_json', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('reason_code', binaryText(db))
        .addColumn('feedback', 'text')
        .addColumn('repeat_of_case_id', 'integer', (c) => c.references('cases.id').onDelete('set null'))
        .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_due_at', 'text')
        .addColumn('breached', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('resolution_working_ms', 'bigint')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createIndex('cases_external_key_uq')
        .on('cases')
        .columns(['case_type_id', 'external_key'])
        .unique()
        .execute();
      await db.schema
        .createIndex('cases_unit_created_idx')
        .on('cases')
        .columns(['unit_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('cases_open_due_idx')
        .on('cases')
        .columns(['is_open', 'next_due_at'])
        .execute();
      await db.schema
        .createIndex('cases_unit_open_due_idx')
        .on('cases')
        .columns(['unit_id', 'is_open', 'next_due_at'])
        .execute();
      await db.schema
        .createIndex('cases_assignee_idx')
        .on('cases')
        .columns(['assignee_user_id', 'is_open'])
        .execute();
      await db.schema
        .createIndex('cases_customer_idx')
        .on('cases')
        .columns(['customer_id', 'category_key', 'created_at'])
        .execute();
      await db.schema
        .createIndex('cases_unit_resolved_idx')
        .on('cases')
        .columns(['unit_id', 'resolved_at'])
        .execute();

      await withId(db, db.schema.createTable('case_events'))
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_user_id', 'integer')
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text')
        .addColumn('payload_json', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema
        .createIndex('case_events_case_idx')
        .on('case_events')
        .columns(['case_id', 'id'])
        .execute();
      await db.schema
        .createIndex('case_events_kind_at_idx')
        .on('case_events')
        .columns(['kind', 'at'])
        .execute();

      await db.schema
        .createTable('case_clocks')
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
        .addColumn('clock_key', binaryText(db), (c) => c.notNull())
        .addColumn('cycle', 'integer', (c) => c.notNull())
        .addColumn('limit_text', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('at_risk_at', 'text', (c) => c.notNull())
        .addColumn('stopped_at', 'text')
        .addColumn('paused_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('case_clocks_pk', ['case_id', 'clock_key', 'cycle'])
        .execute();
      await db.schema
        .createIndex('case_clocks_running_idx')
        .on('case_clocks')
        .columns(['state', 'at_risk_at'])
        .execute();
      await db.schema
        .createIndex('case_clocks_stopped_idx')
        .on('case_clocks')
        .columns(['stopped_at'])
        .execute();

      await db.schema
        .createTable('case_escalations')
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
        .addColumn('clock_key', binaryText(db), (c) => c.notNull())
        .addColumn('cycle', 'integer', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('fired_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_escalations_pk', ['case_id', 'clock_key', 'cycle', 'level'])
        .execute();

      await withId(db, db.schema.createTable('case_callbacks'))
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
        .addColumn('cycle', 'integer', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reached', 'integer')
        .addColumn('satisfaction', 'integer')
        .addColumn('comment', 'text')
        .addColumn('recorded_by_user_id', 'integer')
        .addColumn('recorded_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('case_callbacks_case_uq')
        .on('case_callbacks')
        .columns(['case_id', 'cycle'])
        .unique()
        .execute();
      await db.schema
        .createIndex('case_callbacks_due_idx')
        .on('case_callbacks')
        .columns(['status', 'due_at'])
        .execute();

      await withId(db, db.schema.createTable('case_attachments'))
        .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('content', blob, (c) => c.notNull())
        .addColumn('uploaded_by_user_id', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('case_attachments_case_idx')
        .on('case_attachments')
        .column('case_id')
        .execute();
    },
  },
  // Indexes the period figures need (measured on 1,000,000 cases: docs/benchmarks.md). The clock and
  // event indexes cover their queries, so counting them reads no table rows.
  '0010_case_figure_indexes': {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('case_clocks_stopped_idx').execute();
      await db.schema
        .createIndex('case_clocks_state_stopped_idx')
        .on('case_clocks')
        .columns(['state', 'stopped_at', 'case_id', 'clock_key'])
        .execute();
      await db.schema.dropIndex('case_events_kind_at_idx').execute();
      await db.schema
        .createIndex('case_events_kind_at_idx')
        .on('case_events')
        .columns(['kind', 'at', 'case_id'])
        .execute();
      await db.schema
        .createIndex('cases_unit_closed_idx')
        .on('cases')
        .columns(['unit_id', 'closed_at'])
        .execute();
      await db.schema
        .createIndex('case_callbacks_created_idx')
        .on('case_callbacks')
        .column('created_at')
        .execute();
      await db.schema
        .createIndex('case_callbacks_recorded_idx')
        .on('case_callbacks')
        .columns(['status', 'recorded_at'])
        .execute();
    },
  },
  '0011_case_figure_days': {
    async up(db: Kysely<unknown>) {
      // On SQLite the table is stored in its key's order (WITHOUT ROWID): a unit's days are adjacent.
      await db.schema
        .createTable('case_figure_days')
        .addColumn('unit_id', 'integer', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('case_type_id', 'integer', (c) => c.notNull())
        .addColumn('category_key', binaryText(db), (c) => c.notNull())
        .addColumn('assignee_user_id', 'integer', (c) => c.notNull())
        .addColumn('metric', binaryText(db), (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_figure_days_pk', [
          'unit_id',
          'day',
          'case_type_id',
          'category_key',
          'assignee_user_id',
          'metric',
        ])
        .$call((t) => (dialectOf(db) === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
        .execute();
      // Resolution times of a unit's period read from the index alone (the percentiles need every value).
      await db.schema.dropIndex('cases_unit_resolved_idx').execute();
      await db.schema
        .createIndex('cases_unit_resolved_idx')
        .on('cases')
        .columns(['unit_id', 'resolved_at', 'resolution_working_ms', 'created_at'])
        .execute();
      // The facts of the cases already stored, by the module's own code (the handle is the
      // application's). No foreign keys: the rollup is derived data, rebuilt from the cases.
      await rebuildCaseFigures(db as unknown as Executor);
    },
  },
  '0012_case_outcomes': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('cases').addColumn('outcome_json', 'text').execute();
    },
  },
};
