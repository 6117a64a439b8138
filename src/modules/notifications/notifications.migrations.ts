import type { Kysely, Migration } from 'kysely';
import { binaryText, withId } from '../../platform/db/columns.js';

export const notificationsMigrations: Record<string, Migration> = {
  '0009_notifications': {
    async up(db: Kysely<unknown>) {
      await withId(db, db.schema.createTable('notifications'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('title_zh', 'text', (c) => c.notNull())
        .addColumn('title_en', 'text', (c) => c.notNull())
        .addColumn('body_zh', 'text', (c) => c.notNull())
        .addColumn('body_en', 'text', (c) => c.notNull())
        .addColumn('link', 'text')
        .addColumn('entity_type', 'text')
        .addColumn('entity_id', 'integer')
        // Informational only: an inbox item outlives a deleted unit.
        .addColumn('unit_id', 'integer', (c) => c.references('units.id').onDelete('set null'))
        .addColumn('dedupe_key', binaryText(db), (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('read_at', 'text')
        .addUniqueConstraint('notifications_user_dedupe_key', ['user_id', 'dedupe_key'])
        .execute();
      // The inbox list (newest first) and the unread count.
      await db.schema
        .createIndex('notifications_user_idx')
        .on('notifications')
        .columns(['user_id', 'read_at', 'id'])
        .execute();

      await withId(db, db.schema.createTable('webhook_endpoints'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text')
        .addColumn('unit_id', 'integer', (c) => c.references('units.id').onDelete('restrict'))
        .addColumn('topics_json', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('locale', 'text', (c) => c.notNull().defaultTo('zh-CN'))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await withId(db, db.schema.createTable('webhook_deliveries'))
        .addColumn('endpoint_id', 'integer', (c) =>
          c.notNull().references('webhook_endpoints.id').onDelete('cascade'),
        )
        .addColumn('dedupe_key', binaryText(db), (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('last_attempt_at', 'text')
        .addColumn('delivered_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('webhook_deliveries_endpoint_dedupe_key', ['endpoint_id', 'dedupe_key'])
        .execute();
      // Recent deliveries of an endpoint, newest first.
      await db.schema
        .createIndex('webhook_deliveries_endpoint_idx')
        .on('webhook_deliveries')
        .columns(['endpoint_id', 'id'])
        .execute();
    },
  },
};
