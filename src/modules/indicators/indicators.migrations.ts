import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { binaryText, withId } from '../../platform/db/columns.js';
import { dialectOf } from '../../platform/db/database.js';

/** A float column: PostgreSQL's real has 6 digits, which a 99.92 % reliability needs more than. */
const float = (db: Kysely<unknown>) => (dialectOf(db) === 'postgres' ? sql`double precision` : sql`real`);

export const indicatorsMigrations: Record<string, Migration> = {
  '0018_indicators': {
    async up(db: Kysely<unknown>) {
      await withId(db, db.schema.createTable('indicators'))
        .addColumn('key', binaryText(db), (c) => c.notNull().unique())
        .addColumn('definition_json', 'text', (c) => c.notNull())
        .addColumn('owner_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('pack', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('indicator_values')
        .addColumn('indicator_id', 'integer', (c) =>
          c.notNull().references('indicators.id').onDelete('cascade'),
        )
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
        .addColumn('period', binaryText(db), (c) => c.notNull())
        .addColumn('own_numerator', float(db))
        .addColumn('own_denominator', float(db))
        .addColumn('own_value', float(db))
        .addColumn('tree_numerator', float(db), (c) => c.notNull())
        .addColumn('tree_denominator', float(db))
        .addColumn('tree_value', float(db))
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('recorded_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        // Period first: a ranking or a dashboard reads one period of one indicator for many units.
        .addPrimaryKeyConstraint('indicator_values_pk', ['indicator_id', 'period', 'unit_id'])
        .execute();
      // A unit's series (trend, control chart).
      await db.schema
        .createIndex('indicator_values_unit_ix')
        .on('indicator_values')
        .columns(['indicator_id', 'unit_id', 'period'])
        .execute();
      await withId(db, db.schema.createTable('indicator_value_versions'))
        .addColumn('indicator_id', 'integer', (c) =>
          c.notNull().references('indicators.id').onDelete('cascade'),
        )
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
        .addColumn('period', binaryText(db), (c) => c.notNull())
        .addColumn('numerator', float(db))
        .addColumn('denominator', float(db))
        .addColumn('value', float(db))
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('recorded_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('superseded_at', 'text')
        .addColumn('note', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('indicator_value_versions_ix')
        .on('indicator_value_versions')
        .columns(['indicator_id', 'period', 'unit_id', 'recorded_at'])
        .execute();
      await withId(db, db.schema.createTable('indicator_alerts'))
        .addColumn('indicator_id', 'integer', (c) =>
          c.notNull().references('indicators.id').onDelete('cascade'),
        )
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
        .addColumn('alert_key', binaryText(db), (c) => c.notNull())
        .addColumn('rule', 'integer', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('value', float(db), (c) => c.notNull())
        .addColumn('centre', float(db), (c) => c.notNull())
        .addColumn('raised_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('indicator_alerts_uq', ['indicator_id', 'unit_id', 'alert_key'])
        .execute();
      await db.schema
        .createIndex('indicator_alerts_raised_ix')
        .on('indicator_alerts')
        .column('raised_at')
        .execute();
    },
  },
  '0019_indicator_values_statistics': {
    // PostgreSQL re-analyzes a table after 10 % of it changed; a new indicator's months are far
    // less than that of a big values table, and until they are analyzed the planner misjudges
    // them (docs/benchmarks.md). 1 % keeps the statistics near the data. Nothing to do on SQLite.
    async up(db: Kysely<unknown>) {
      if (dialectOf(db) === 'postgres')
        await sql`alter table indicator_values set (autovacuum_analyze_scale_factor = 0.01)`.execute(db);
    },
  },
};
