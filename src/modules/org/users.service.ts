import type { Actor, Grant, ScopeRoots } from '../../platform/access.js';
import { requirePermission } from '../../platform/access.js';
import { notifyAccessChanged } from '../../platform/access-changes.js';
import { hashPassword } from '../../platform/crypto/password.js';
import type { Executor } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { CreateUserInput, ListUsersQuery, UpdateUserInput, User } from './org.schema.js';
import { ZCreateUserInput } from './org.schema.js';
import * as peopleRepo from './people.repo.js';
import * as unitsRepo from './units.repo.js';
import * as usersRepo from './users.repo.js';
import { widenToOrganisation } from './units.service.js';
import type { GrantRow, UserRow } from './users.repo.js';
import { unitIdsUnder } from './scope.js';
import { containsText } from '../../platform/db/search.js';

const toUser = (row: UserRow, grants: GrantRow[]): User => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  personId: row.personId,
  locale: row.locale === 'en' ? 'en' : 'zh-CN',
  active: row.active === 1,
  grants: grants
    .filter((g) => g.userId === row.id)
    .map(({ role, unitId, unitName }) => ({ role, unitId, unitName })),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/**
 * The scope for managing users. An admin granted on every top-level unit manages all users,
 * including those not yet linked to any unit.
 */
const userAdminRoots = async (db: Executor, actor: Deps['actor']): Promise<ScopeRoots> =>
  widenToOrganisation(db, requirePermission(actor, 'users.manage'));

const withGrants = async (db: Executor, row: UserRow) =>
  toUser(row, await usersRepo.grantsOfUsers(db, [row.id]));

export const listUsers = async (query: ListUsersQuery, { db, actor }: Pick<Deps, 'db' | 'actor'>) => {
  const roots = await userAdminRoots(db, actor);
  const { items, total } = await usersRepo.listUsers(
    db,
    { roots, q: query.q },
    { limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  const grants = await usersRepo.grantsOfUsers(
    db,
    items.map((u) => u.id),
  );
  return { items: items.map((u) => toUser(u, grants)), total, page: query.page, pageSize: query.pageSize };
};

export const getUser = async ({ userId }: { userId: number }, { db, actor }: Pick<Deps, 'db' | 'actor'>) => {
  const row = await usersRepo.findUser(db, userId, await userAdminRoots(db, actor));
  if (!row) throw new AppError('org.user_not_found', { userId });
  return withGrants(db, row);
};

/** Grants may only be given on units inside the granting admin's own scope. */
const requireGrantable = async (db: Executor, grants: Grant[], roots: ScopeRoots) => {
  for (const grant of grants) {
    if (!(await unitsRepo.findUnit(db, grant.unitId, 'all')))
      throw new AppError('org.unit_not_found', { unitId: grant.unitId });
    if (!(await unitsRepo.findUnit(db, grant.unitId, roots)))
      throw new AppError('org.grant_outside_scope', { unitId: grant.unitId });
  }
};

const requireLinkablePerson = async (
  db: Executor,
  personId: number,
  roots: ScopeRoots,
  exceptUserId?: number,
) => {
  if (!(await peopleRepo.findPerson(db, personId, roots)))
    throw new AppError('org.person_not_found', { personId });
  const linked = await usersRepo.findUserByPerson(db, personId);
  if (linked && linked.id !== exceptUserId) throw new AppError('org.person_already_linked', { personId });
};

export const createUser = async (input: CreateUserInput, { db, clock, actor }: Deps): Promise<User> => {
  const values = ZCreateUserInput.parse(input);
  const passwordHash = await hashPassword(values.password); // slow: outside the transaction
  return db.transaction().execute(async (tx) => {
    const roots = await userAdminRoots(tx, actor);
    if (await usersRepo.findUserByUsername(tx, values.username))
      throw new AppError('org.username_taken', { username: values.username });
    if (values.personId) await requireLinkablePerson(tx, values.personId, roots);
    await requireGrantable(tx, values.grants, roots);
    const now = clock.now().toISOString();
    const row = await usersRepo.insertUser(tx, {
      username: values.username,
      displayName: values.displayName,
      personId: values.personId ?? null,
      passwordHash,
      locale: values.locale,
      active: 1,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await usersRepo.replaceGrants(tx, row.id, values.grants, now);
    const user = await withGrants(tx, row);
    await recordAudit(
      tx,
      {
        action: 'user.create',
        entity: 'user',
        entityId: user.id,
        unitId: user.grants[0]?.unitId ?? null,
        after: user,
      },
      { actor, clock },
    );
    return user;
  });
};

export const updateUser = async (
  { userId, patch }: { userId: number; patch: UpdateUserInput },
  { db, clock, actor }: Deps,
): Promise<User> => {
  const updated = await db.transaction().execute(async (tx) => {
    const roots = await userAdminRoots(tx, actor);
    const current = await usersRepo.findUser(tx, userId, roots);
    if (!current) throw new AppError('org.user_not_found', { userId });
    const before = await withGrants(tx, current);
    if (patch.personId) await requireLinkablePerson(tx, patch.personId, roots, userId);
    const now = clock.now().toISOString();
    if (patch.grants) {
      // Grants outside the admin's scope that the user already holds stay as they are.
      const kept: Grant[] = [];
      for (const grant of before.grants) {
        if (!(await unitsRepo.findUnit(tx, grant.unitId, roots)))
          kept.push({ role: grant.role, unitId: grant.unitId });
      }
      await requireGrantable(tx, patch.grants, roots);
      await usersRepo.replaceGrants(tx, userId, [...kept, ...patch.grants], now);
    }
    const { grants: _grants, active, ...fields } = patch;
    const row = await usersRepo.updateUser(tx, userId, {
      ...fields,
      ...(active !== undefined ? { active: active ? 1 : 0 } : {}),
      updatedAt: now,
    });
    const after = await withGrants(tx, row);
    await recordAudit(
      tx,
      {
        action: 'user.update',
        entity: 'user',
        entityId: userId,
        unitId: after.grants[0]?.unitId ?? null,
        before,
        after,
      },
      { actor, clock },
    );
    return after;
  });
  notifyAccessChanged(); // grants or the active flag may have changed
  return updated;
};

export const resetUserPassword = async (
  { userId, password }: { userId: number; password: string },
  { db, clock, actor }: Deps,
): Promise<void> => {
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    const current = await usersRepo.findUser(tx, userId, await userAdminRoots(tx, actor));
    if (!current) throw new AppError('org.user_not_found', { userId });
    const now = clock.now().toISOString();
    // Sessions opened before passwordChangedAt stop being accepted (see auth.service).
    await usersRepo.updateUser(tx, userId, { passwordHash, passwordChangedAt: now, updatedAt: now });
    await recordAudit(
      tx,
      { action: 'user.reset_password', entity: 'user', entityId: userId },
      { actor, clock },
    );
  });
  notifyAccessChanged();
};

/* ---- For the auth module: the account behind a login, a session or a token. ---- */

export type Account = {
  id: number;
  username: string;
  displayName: string;
  locale: 'zh-CN' | 'en';
  personId: number | null;
  active: boolean;
  passwordHash: string;
  passwordChangedAt: string | null;
  grants: Array<Grant & { unitName: string }>;
};

const toAccount = (row: UserRow, grants: GrantRow[]): Account => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  locale: row.locale === 'en' ? 'en' : 'zh-CN',
  personId: row.personId,
  active: row.active === 1,
  passwordHash: row.passwordHash,
  passwordChangedAt: row.passwordChangedAt,
  grants: grants.map(({ role, unitId, unitName }) => ({ role, unitId, unitName })),
});

/** The account with its grants, by login name or id; undefined when absent. */
export const findAccount = async (
  by: { username: string } | { userId: number },
  { db }: { db: Executor },
): Promise<Account | undefined> => {
  const row =
    'username' in by
      ? await usersRepo.findUserByUsername(db, by.username)
      : await usersRepo.findUser(db, by.userId, 'all');
  return row ? toAccount(row, await usersRepo.grantsOfUsers(db, [row.id])) : undefined;
};

/** Sets the actor's own password hash (the auth module has checked the old password). */
export const setOwnPasswordHash = async (
  { userId, passwordHash }: { userId: number; passwordHash: string },
  { db, clock, actor }: Omit<Deps, 'db'> & { db: Executor },
) => {
  const now = clock.now().toISOString();
  await usersRepo.updateUser(db, userId, { passwordHash, passwordChangedAt: now, updatedAt: now });
  await recordAudit(
    db,
    { action: 'user.change_password', entity: 'user', entityId: userId },
    { actor, clock },
  );
};

/** The fields a user may change on his own account. */
export const updateOwnProfile = async (
  {
    userId,
    patch,
  }: { userId: number; patch: { locale?: 'zh-CN' | 'en' | undefined; displayName?: string | undefined } },
  { db, clock, actor }: Deps,
) => {
  await db.transaction().execute(async (tx) => {
    const before = await usersRepo.findUser(tx, userId, 'all');
    if (!before) throw new AppError('org.user_not_found', { userId });
    const after = await usersRepo.updateUser(tx, userId, { ...patch, updatedAt: clock.now().toISOString() });
    await recordAudit(
      tx,
      {
        action: 'user.update_profile',
        entity: 'user',
        entityId: userId,
        before: { locale: before.locale, displayName: before.displayName },
        after: { locale: after.locale, displayName: after.displayName },
      },
      { actor, clock },
    );
  });
  notifyAccessChanged();
};

/** Counts every account; start-up creates the first administrator when there is none. */
export const countAccounts = ({ db }: { db: Executor }) => usersRepo.countUsers(db);

/** A user's id by login name, within the actor's user-management scope. */
export const getUserByUsername = async (
  { username }: { username: string },
  deps: Pick<Deps, 'db' | 'actor'>,
): Promise<User> => {
  const row = await usersRepo.findUserByUsername(deps.db, username);
  if (!row) throw new AppError('org.user_not_found', { username });
  return getUser({ userId: row.id }, deps);
};

/** A user as the actor of work done on his behalf (a pack's history, an import run as him). */
export const actorOfUser = (user: User): Actor => ({
  kind: 'user',
  userId: user.id,
  name: user.displayName,
  grants: user.grants.map(({ role, unitId }) => ({ role, unitId })),
});

/** What other modules need to know of some users (names, whether active, their grants); no scope check. */
export type UserFacts = { id: number; displayName: string; active: boolean; grants: Grant[] };

export const describeUsers = async (
  { userIds }: { userIds: readonly number[] },
  { db }: { db: Executor },
): Promise<Map<number, UserFacts>> => {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const [rows, grants] = await Promise.all([
    db.selectFrom('users').select(['id', 'displayName', 'active']).where('id', 'in', ids).execute(),
    usersRepo.grantsOfUsers(db, ids),
  ]);
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        displayName: r.displayName,
        active: r.active === 1,
        grants: grants.filter((g) => g.userId === r.id).map(({ role, unitId }) => ({ role, unitId })),
      },
    ]),
  );
};

/**
 * The active users holding `role` directly on the unit; with `climb`, on the nearest ancestor
 * that has any (the manager of an area, else of its branch).
 */
export const usersWithRoleOn = async (
  { unitId, role, climb }: { unitId: number; role: Grant['role']; climb: boolean },
  { db }: { db: Executor },
): Promise<number[]> => {
  const rows = await db
    .selectFrom('roleGrants')
    .innerJoin('users', 'users.id', 'roleGrants.userId')
    .innerJoin('unitClosure', 'unitClosure.ancestorId', 'roleGrants.unitId')
    .select(['roleGrants.userId', 'unitClosure.depth'])
    .where('unitClosure.descendantId', '=', unitId)
    .where('roleGrants.role', '=', role)
    .where('users.active', '=', 1)
    .orderBy('unitClosure.depth')
    .orderBy('roleGrants.userId')
    .execute();
  const nearest = rows[0]?.depth;
  return rows.filter((r) => (climb ? r.depth === nearest : r.depth === 0)).map((r) => r.userId);
};

/**
 * Active users holding one of `roles` on a unit inside `roots` (the people a dispatcher may hand
 * work to), matched on name or username; at most `limit`, by name.
 */
export const findUsersWithRoles = async (
  {
    roles,
    roots,
    q,
    limit,
  }: { roles: readonly Grant['role'][]; roots: ScopeRoots; q?: string | undefined; limit: number },
  { db }: { db: Executor },
): Promise<Array<{ id: number; username: string; displayName: string }>> => {
  if (roles.length === 0 || (roots !== 'all' && roots.length === 0)) return [];
  let query = db
    .selectFrom('users')
    .select(['users.id', 'users.username', 'users.displayName'])
    .where('users.active', '=', 1)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('roleGrants')
          .select('roleGrants.id')
          .whereRef('roleGrants.userId', '=', 'users.id')
          .where('roleGrants.role', 'in', [...roles])
          .$if(roots !== 'all', (qb) =>
            qb.where('roleGrants.unitId', 'in', unitIdsUnder(eb, roots as number[])),
          ),
      ),
    );
  if (q)
    query = query.where((eb) =>
      eb.or([containsText('users.displayName', q), containsText('users.username', q)]),
    );
  return query.orderBy('users.displayName').orderBy('users.id').limit(limit).execute();
};

/** Display names by user id, for other modules' lists; all users when no ids are given. */
export const userNames = async (
  { userIds }: { userIds?: readonly number[] },
  { db }: { db: Executor },
): Promise<Map<number, string>> => {
  if (userIds && userIds.length === 0) return new Map();
  let query = db.selectFrom('users').select(['id', 'displayName']);
  if (userIds) query = query.where('id', 'in', [...new Set(userIds)]);
  return new Map((await query.execute()).map((u) => [u.id, u.displayName]));
};
