import type { Kysely, Migration } from 'kysely';
import { binaryText, withId } from '../../platform/db/columns.js';

export const importsMigrations: Record<string, Migration> = {
  '0016_import_profiles_and_runs': {
    async up(db: Kysely<unknown>) {
      // A saved way of importing a kind of file: which column is which field, the mode, the options.
      await withId(db, db.schema.createTable('import_profiles'))
        .addColumn('name', binaryText(db), (c) => c.notNull().unique())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('mapping_json', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('options_json', 'text', (c) => c.notNull())
        .addColumn('created_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // An import started over the API, run in the background by the server process.
      await withId(db, db.schema.createTable('import_runs'))
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('bad', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('elapsed_ms', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('report_json', 'text')
        .addColumn('error_code', 'text')
        .addColumn('error_details_json', 'text')
        .addColumn('options_json', 'text', (c) => c.notNull())
        .addColumn('mapping_json', 'text')
        .addColumn('profile', 'text')
        .addColumn('created_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('import_runs_status_idx').on('import_runs').column('status').execute();
      await db.schema
        .createIndex('import_runs_creator_idx')
        .on('import_runs')
        .columns(['created_by_user_id', 'id'])
        .execute();
    },
  },
};
