import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { binaryText, withId } from '../../platform/db/columns.js';
import { dialectOf } from '../../platform/db/database.js';

export const reportsMigrations: Record<string, Migration> = {
  '0015_reports': {
    async up(db: Kysely<unknown>) {
      const blob = dialectOf(db) === 'postgres' ? sql`bytea` : sql`blob`;
      await withId(db, db.schema.createTable('reports'))
        .addColumn('template_key', binaryText(db), (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('restrict'))
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('content', blob, (c) => c.notNull())
        .addColumn('created_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('reports_unit_created_idx')
        .on('reports')
        .columns(['unit_id', 'created_at'])
        .execute();
    },
  },
};
