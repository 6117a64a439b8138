import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { binaryText, withId } from '../../platform/db/columns.js';
import { dialectOf } from '../../platform/db/database.js';

export const auditMigrations: Record<string, Migration> = {
  '0003_audit_log': {
    async up(db: Kysely<unknown>) {
      await withId(db, db.schema.createTable('audit_log'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'integer')
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', binaryText(db), (c) => c.notNull())
        .addColumn('unit_id', 'integer')
        .addColumn('before_json', 'text')
        .addColumn('after_json', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_entity_idx')
        .on('audit_log')
        .columns(['entity', 'entity_id', 'id'])
        .execute();

      // Append-only at the storage level too: the application never updates or deletes audit rows.
      // (A database owner can still drop the trigger; `guankong audit verify` is what detects that.)
      if (dialectOf(db) === 'postgres') {
        await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit_log is append-only'; end $$`.execute(db);
        await sql`create trigger audit_log_no_change before update or delete on audit_log
          for each row execute function audit_log_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_log_no_update before update on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log
          begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      }
    },
  },
};
