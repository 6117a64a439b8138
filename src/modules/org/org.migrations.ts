import type { Kysely, Migration } from 'kysely';
import { binaryText, withId } from '../../platform/db/columns.js';

export const orgMigrations: Record<string, Migration> = {
  '0001_org_units_people_users': {
    async up(db: Kysely<unknown>) {
      await withId(db, db.schema.createTable('units'))
        .addColumn('parent_id', 'integer', (c) => c.references('units.id').onDelete('restrict'))
        .addColumn('code', binaryText(db), (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('units_parent_idx').on('units').column('parent_id').execute();

      await db.schema
        .createTable('unit_closure')
        .addColumn('ancestor_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
        .addColumn('descendant_id', 'integer', (c) => c.notNull().references('units.id').onDelete('cascade'))
        .addColumn('depth', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('unit_closure_pk', ['ancestor_id', 'descendant_id'])
        .execute();
      await db.schema
        .createIndex('unit_closure_descendant_idx')
        .on('unit_closure')
        .columns(['descendant_id', 'ancestor_id'])
        .execute();

      await withId(db, db.schema.createTable('people'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('restrict'))
        .addColumn('employee_no', binaryText(db), (c) => c.unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('level', 'text')
        .addColumn('position', 'text')
        .addColumn('region', 'text')
        .addColumn('city', 'text')
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('people_unit_idx').on('people').columns(['unit_id', 'name']).execute();

      await withId(db, db.schema.createTable('users'))
        .addColumn('username', binaryText(db), (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('person_id', 'integer', (c) => c.unique().references('people.id').onDelete('set null'))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull().defaultTo('zh-CN'))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('password_changed_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await withId(db, db.schema.createTable('role_grants'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id').onDelete('restrict'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('role_grants_unique', ['user_id', 'role', 'unit_id'])
        .execute();
      await db.schema.createIndex('role_grants_unit_idx').on('role_grants').column('unit_id').execute();
    },
  },
  '0005_org_unit_tree_version': {
    // One counter, bumped in every transaction that changes units or their tree, so that
    // each process can keep the tree in memory and know when it is stale (unit-tree.cache.ts).
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('unit_tree_version')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await db
        .insertInto('unit_tree_version' as never)
        .values({ id: 1, version: 0 } as never)
        .execute();
    },
  },
};
