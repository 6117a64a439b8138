import type { Kysely, Migration } from 'kysely';
import { binaryText, withId } from '../db/columns.js';

export const jobsMigrations: Record<string, Migration> = {
  '0004_jobs': {
    async up(db: Kysely<unknown>) {
      await withId(db, db.schema.createTable('jobs'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key', binaryText(db), (c) => c.notNull().unique())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5))
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('result_json', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['status', 'run_at']).execute();
    },
  },
};
