import type { Insertable } from 'kysely';
import type { Executor } from '../../platform/db/database.js';
import type { ApiTokenTable, SessionTable } from './auth.tables.js';

export const insertSession = (db: Executor, values: Insertable<SessionTable>) =>
  db.insertInto('sessions').values(values).execute();

export const findSession = (db: Executor, id: string) =>
  db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();

export const touchSession = (db: Executor, id: string, lastSeenAt: string, expiresAt: string) =>
  db.updateTable('sessions').set({ lastSeenAt, expiresAt }).where('id', '=', id).execute();

/** Moves a session's creation time forward, so it outlives a password change made from it. */
export const restampSession = (db: Executor, id: string, createdAt: string) =>
  db.updateTable('sessions').set({ createdAt }).where('id', '=', id).execute();

export const deleteSession = (db: Executor, id: string) =>
  db.deleteFrom('sessions').where('id', '=', id).execute();

export const deleteSessionsOfUser = (db: Executor, userId: number, exceptId?: string) => {
  let query = db.deleteFrom('sessions').where('userId', '=', userId);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return query.execute();
};

export const deleteExpiredSessions = (db: Executor, now: string) =>
  db.deleteFrom('sessions').where('expiresAt', '<', now).execute();

export const recordLoginAttempt = (
  db: Executor,
  values: { username: string; ip: string; at: string; success: boolean },
) =>
  db
    .insertInto('loginAttempts')
    .values({ ...values, success: values.success ? 1 : 0 })
    .execute();

/** Failed logins since `since` for a username and for an address, and the oldest of them. */
export const countFailures = async (
  db: Executor,
  { username, ip, since }: { username: string; ip: string; since: string },
) => {
  const count = (column: 'username' | 'ip', value: string) =>
    db
      .selectFrom('loginAttempts')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
      .where(column, '=', value)
      .where('success', '=', 0)
      .where('at', '>=', since)
      .executeTakeFirstOrThrow();
  const [byUser, byIp] = await Promise.all([count('username', username), count('ip', ip)]);
  return {
    byUser: Number(byUser.n),
    byIp: Number(byIp.n),
    oldestByUser: byUser.oldest as string | null,
    oldestByIp: byIp.oldest as string | null,
  };
};

export const deleteLoginAttemptsBefore = (db: Executor, before: string) =>
  db.deleteFrom('loginAttempts').where('at', '<', before).execute();

export const insertApiToken = (db: Executor, values: Insertable<ApiTokenTable>) =>
  db.insertInto('apiTokens').values(values).returningAll().executeTakeFirstOrThrow();

export const listApiTokens = (db: Executor, userId: number) =>
  db
    .selectFrom('apiTokens')
    .selectAll()
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .orderBy('id', 'desc')
    .execute();

export const findApiTokenByHash = (db: Executor, tokenHash: string) =>
  db.selectFrom('apiTokens').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();

export const touchApiToken = (db: Executor, id: number, at: string) =>
  db.updateTable('apiTokens').set({ lastUsedAt: at }).where('id', '=', id).execute();

export const revokeApiToken = (db: Executor, id: number, userId: number, at: string) =>
  db
    .updateTable('apiTokens')
    .set({ revokedAt: at })
    .where('id', '=', id)
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
