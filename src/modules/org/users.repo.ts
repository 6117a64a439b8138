import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Grant, Role, ScopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { containsText } from '../../platform/db/search.js';
import type { UserTable } from './org.tables.js';
import { unitIdsUnder } from './scope.js';

export type UserRow = Selectable<UserTable>;
export type GrantRow = Grant & { userId: number; unitName: string };

/** Users with a grant or a linked person inside the scope. */
const visibleUsers = (db: Executor, roots: ScopeRoots) => {
  const query = db.selectFrom('users');
  if (roots === 'all') return query;
  return query.where((eb) =>
    eb.or([
      eb.exists(
        eb
          .selectFrom('roleGrants')
          .select('roleGrants.id')
          .whereRef('roleGrants.userId', '=', 'users.id')
          .where('roleGrants.unitId', 'in', unitIdsUnder(eb, roots)),
      ),
      eb.exists(
        eb
          .selectFrom('people')
          .select('people.id')
          .whereRef('people.id', '=', 'users.personId')
          .where('people.unitId', 'in', unitIdsUnder(eb, roots)),
      ),
    ]),
  );
};

export const listUsers = async (
  db: Executor,
  filter: { roots: ScopeRoots; q?: string | undefined },
  page: { limit: number; offset: number },
) => {
  let query = visibleUsers(db, filter.roots);
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) =>
      eb.or([containsText('users.username', q), containsText('users.displayName', q)]),
    );
  }
  const [items, total] = await Promise.all([
    query.selectAll('users').orderBy('users.username').limit(page.limit).offset(page.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
};

export const findUser = (db: Executor, id: number, roots: ScopeRoots): Promise<UserRow | undefined> =>
  visibleUsers(db, roots).selectAll('users').where('users.id', '=', id).executeTakeFirst();

export const findUserByUsername = (db: Executor, username: string): Promise<UserRow | undefined> =>
  db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();

export const findUserByPerson = (db: Executor, personId: number) =>
  db.selectFrom('users').select('id').where('personId', '=', personId).executeTakeFirst();

export const insertUser = async (db: Executor, values: Insertable<UserTable>) =>
  db.insertInto('users').values(values).returningAll().executeTakeFirstOrThrow();

export const updateUser = (db: Executor, id: number, values: Updateable<UserTable>) =>
  db.updateTable('users').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export const countUsers = async (db: Executor) =>
  Number(
    (
      await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The grants of some users with the unit names, for display and for building actors. */
export const grantsOfUsers = async (db: Executor, userIds: number[]): Promise<GrantRow[]> => {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('roleGrants')
    .innerJoin('units', 'units.id', 'roleGrants.unitId')
    .select(['roleGrants.userId', 'roleGrants.role', 'roleGrants.unitId', 'units.name as unitName'])
    .where('roleGrants.userId', 'in', userIds)
    .orderBy('roleGrants.id')
    .execute();
  return rows.map((r) => ({ ...r, role: r.role as Role }));
};

export const replaceGrants = async (db: Executor, userId: number, grants: Grant[], now: string) => {
  await db.deleteFrom('roleGrants').where('userId', '=', userId).execute();
  const unique = [...new Map(grants.map((g) => [`${g.role}:${g.unitId}`, g])).values()];
  if (unique.length) {
    await db
      .insertInto('roleGrants')
      .values(unique.map((g) => ({ userId, role: g.role, unitId: g.unitId, createdAt: now })))
      .execute();
  }
};
