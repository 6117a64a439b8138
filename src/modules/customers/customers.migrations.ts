import type { Kysely, Migration } from 'kysely';
import { binaryText, withId } from '../../platform/db/columns.js';

export const customersMigrations: Record<string, Migration> = {
  '0007_customers': {
    async up(db: Kysely<unknown>) {
      await withId(db, db.schema.createTable('customers'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('restrict'))
        .addColumn('external_key', binaryText(db), (c) => c.unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('phone2', 'text')
        .addColumn('address', 'text')
        .addColumn('building', 'text')
        .addColumn('room', 'text')
        .addColumn('tags_json', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('notes', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('customers_unit_idx')
        .on('customers')
        .columns(['unit_id', 'name'])
        .execute();
      await db.schema.createIndex('customers_phone_idx').on('customers').column('phone').execute();
    },
  },
};
