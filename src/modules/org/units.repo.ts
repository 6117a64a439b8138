import type { ScopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import type { UnitTable } from './org.tables.js';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { unitIdsUnder } from './scope.js';

export type UnitRow = Selectable<UnitTable>;

export const listUnits = (db: Executor, roots: ScopeRoots): Promise<UnitRow[]> => {
  let query = db.selectFrom('units').selectAll();
  if (roots !== 'all') query = query.where('id', 'in', (eb) => unitIdsUnder(eb, roots));
  return query.orderBy('sortOrder').orderBy('id').execute();
};

/** One unit if it exists and lies inside the scope; undefined otherwise. */
export const findUnit = (db: Executor, id: number, roots: ScopeRoots): Promise<UnitRow | undefined> => {
  let query = db.selectFrom('units').selectAll().where('id', '=', id);
  if (roots !== 'all') query = query.where('id', 'in', (eb) => unitIdsUnder(eb, roots));
  return query.executeTakeFirst();
};

export const findUnitByCode = (db: Executor, code: string) =>
  db.selectFrom('units').select(['id']).where('code', '=', code).executeTakeFirst();

/** Inserts the unit and its closure rows: itself at depth 0 and every ancestor of its parent. */
export const insertUnit = async (db: Executor, values: Insertable<UnitTable>): Promise<UnitRow> => {
  const unit = await db.insertInto('units').values(values).returningAll().executeTakeFirstOrThrow();
  await db
    .insertInto('unitClosure')
    .values({ ancestorId: unit.id, descendantId: unit.id, depth: 0 })
    .execute();
  if (unit.parentId !== null) {
    await db
      .insertInto('unitClosure')
      .columns(['ancestorId', 'descendantId', 'depth'])
      .expression((eb) =>
        eb
          .selectFrom('unitClosure')
          .select((s) => [
            'ancestorId',
            s.val(unit.id).as('descendantId'),
            s(s.ref('depth'), '+', 1).as('depth'),
          ])
          .where('descendantId', '=', unit.parentId as number),
      )
      .execute();
  }
  return unit;
};

export const updateUnit = (db: Executor, id: number, values: Updateable<UnitTable>) =>
  db.updateTable('units').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

/** True when `candidate` is `unitId` itself or lies below it. */
export const isInSubtree = async (db: Executor, unitId: number, candidate: number): Promise<boolean> =>
  (await db
    .selectFrom('unitClosure')
    .select('depth')
    .where('ancestorId', '=', unitId)
    .where('descendantId', '=', candidate)
    .executeTakeFirst()) !== undefined;

/**
 * Re-hangs a subtree under a new parent: drops the closure rows that link the subtree to its
 * old ancestors, then links every node of the subtree to every ancestor of the new parent.
 */
export const moveSubtree = async (db: Executor, unitId: number, newParentId: number): Promise<void> => {
  await db
    .deleteFrom('unitClosure')
    .where('descendantId', 'in', (eb) =>
      eb.selectFrom('unitClosure as s').select('s.descendantId').where('s.ancestorId', '=', unitId),
    )
    .where('ancestorId', 'not in', (eb) =>
      eb.selectFrom('unitClosure as s').select('s.descendantId').where('s.ancestorId', '=', unitId),
    )
    .execute();
  await db
    .insertInto('unitClosure')
    .columns(['ancestorId', 'descendantId', 'depth'])
    .expression((eb) =>
      eb
        .selectFrom('unitClosure as p')
        .innerJoin('unitClosure as c', (join) => join.on('c.ancestorId', '=', unitId))
        .select((s) => [
          'p.ancestorId',
          'c.descendantId',
          s(s(s.ref('p.depth'), '+', s.ref('c.depth')), '+', 1).as('depth'),
        ])
        .where('p.descendantId', '=', newParentId),
    )
    .execute();
};

/** What still hangs on a unit and would be orphaned by deleting it. */
export const countDependents = async (db: Executor, id: number) => {
  const [children, people, grants] = await Promise.all([
    db
      .selectFrom('units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('parentId', '=', id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('unitId', '=', id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('roleGrants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('unitId', '=', id)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(children.n) + Number(people.n) + Number(grants.n);
};

export const deleteUnit = (db: Executor, id: number) => db.deleteFrom('units').where('id', '=', id).execute();

/** Ids of top-level units. */
export const rootUnitIds = async (db: Executor): Promise<number[]> =>
  (await db.selectFrom('units').select('id').where('parentId', 'is', null).execute()).map((r) => r.id);

export const readTreeVersion = async (db: Executor): Promise<number> =>
  (await db.selectFrom('unitTreeVersion').select('version').where('id', '=', 1).executeTakeFirstOrThrow())
    .version;

/** Call in every transaction that changes units or the tree. */
export const bumpTreeVersion = (db: Executor) =>
  db
    .updateTable('unitTreeVersion')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', 1)
    .execute();

/** Every (ancestor, descendant) pair, for the in-memory tree. */
export const listClosure = (db: Executor) =>
  db.selectFrom('unitClosure').select(['ancestorId', 'descendantId']).execute();
