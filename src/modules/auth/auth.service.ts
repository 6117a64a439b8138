import type { Actor } from '../../platform/access.js';
import { permissionsOf } from '../../platform/access.js';
import { notifyAccessChanged } from '../../platform/access-changes.js';
import type { Clock } from '../../platform/clock.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../platform/crypto/password.js';
import { hashToken, randomToken } from '../../platform/crypto/tokens.js';
import type { Db } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Account } from '../org/users.service.js';
import { findAccount, setOwnPasswordHash } from '../org/users.service.js';
import * as authRepo from './auth.repo.js';
import type { ApiToken, ChangePasswordInput, CreateApiTokenInput, LoginInput, Me } from './auth.schema.js';

/** What the auth functions need besides the database and the clock. */
export type AuthDeps = { db: Db; clock: Clock; secret: string; sessionTtlHours: number };

/** Failed logins are counted over this window … */
export const loginWindowMs = 15 * 60 * 1000;
/** … and refused beyond these counts, per login name and per client address. */
export const maxFailuresPerUser = 5;
export const maxFailuresPerIp = 50;
/** A session's expiry slides forward at most this often, to spare a write on every request. */
const touchEveryMs = 60 * 1000;

export const actorOf = (account: Account): Actor => ({
  kind: 'user',
  userId: account.id,
  name: account.displayName,
  grants: account.grants.map(({ role, unitId }) => ({ role, unitId })),
});

export const meOf = (account: Account): Me => {
  const actor = actorOf(account);
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    locale: account.locale,
    personId: account.personId,
    roles: [...new Set(account.grants.map((g) => g.role))],
    grants: account.grants,
    permissions: permissionsOf(actor),
  };
};

export type Authenticated = { actor: Actor; me: Me; account: Account };
export type SessionAuthenticated = Authenticated & { sessionId: string; csrfToken: string };

const rateLimit = async (
  { username, ip }: { username: string; ip: string },
  { db, clock }: Pick<AuthDeps, 'db' | 'clock'>,
) => {
  const now = clock.now().getTime();
  const failures = await authRepo.countFailures(db, {
    username,
    ip,
    since: new Date(now - loginWindowMs).toISOString(),
  });
  const oldest =
    failures.byUser >= maxFailuresPerUser
      ? failures.oldestByUser
      : failures.byIp >= maxFailuresPerIp
        ? failures.oldestByIp
        : null;
  if (oldest) {
    const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(oldest) + loginWindowMs - now) / 1000));
    throw new AppError('auth.rate_limited', { retryAfterSeconds });
  }
};

/**
 * Checks the password and opens a session. The cookie token is returned once and stored
 * only as an HMAC; the CSRF token is stored to be compared with the request header.
 */
export const login = async (
  { username, password, ip, userAgent }: LoginInput & { ip: string; userAgent?: string | undefined },
  deps: AuthDeps,
): Promise<{ sessionToken: string; csrfToken: string; me: Me }> => {
  const { db, clock, secret, sessionTtlHours } = deps;
  await rateLimit({ username, ip }, deps);
  const account = await findAccount({ username }, { db });
  const valid = account
    ? await verifyPassword(account.passwordHash, password)
    : (await burnPasswordCheck(password), false);
  const at = clock.now().toISOString();
  if (!account || !valid || !account.active) {
    await authRepo.recordLoginAttempt(db, { username, ip, at, success: false });
    throw new AppError('auth.invalid_credentials');
  }
  const sessionToken = randomToken();
  const csrfToken = randomToken('', 24);
  await db.transaction().execute(async (tx) => {
    await authRepo.recordLoginAttempt(tx, { username, ip, at, success: true });
    await authRepo.insertSession(tx, {
      id: hashToken(secret, sessionToken),
      userId: account.id,
      csrfToken,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(clock.now().getTime() + sessionTtlHours * 3600_000).toISOString(),
      ip,
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
  });
  return { sessionToken, csrfToken, me: meOf(account) };
};

/**
 * The user behind a session cookie, or null when the session is unknown, expired, older
 * than the last password change, or its user is deactivated.
 */
export const authenticateSession = async (
  { token }: { token: string },
  deps: AuthDeps,
): Promise<SessionAuthenticated | null> => {
  const { db, clock, secret, sessionTtlHours } = deps;
  const id = hashToken(secret, token);
  const session = await authRepo.findSession(db, id);
  const now = clock.now();
  if (!session || session.expiresAt <= now.toISOString()) return null;
  const account = await findAccount({ userId: session.userId }, { db });
  if (!account || !account.active) return null;
  if (account.passwordChangedAt && session.createdAt < account.passwordChangedAt) return null;
  if (now.getTime() - Date.parse(session.lastSeenAt) > touchEveryMs) {
    await authRepo.touchSession(
      db,
      id,
      now.toISOString(),
      new Date(now.getTime() + sessionTtlHours * 3600_000).toISOString(),
    );
  }
  return { actor: actorOf(account), me: meOf(account), account, sessionId: id, csrfToken: session.csrfToken };
};

export const logout = async ({ sessionId }: { sessionId: string }, { db }: Pick<AuthDeps, 'db'>) => {
  await authRepo.deleteSession(db, sessionId);
  notifyAccessChanged();
};

/**
 * Changes the caller's own password after checking the current one. Other sessions of
 * the user end; the current one is re-stamped so that it stays valid.
 */
export const changePassword = async (
  {
    currentPassword,
    newPassword,
    userId,
    sessionId,
  }: ChangePasswordInput & { userId: number; sessionId?: string | undefined },
  deps: AuthDeps & { actor: Actor },
): Promise<void> => {
  const { db, clock, actor } = deps;
  const account = await findAccount({ userId }, { db });
  if (!account || !(await verifyPassword(account.passwordHash, currentPassword)))
    throw new AppError('auth.wrong_password');
  const passwordHash = await hashPassword(newPassword);
  await db.transaction().execute(async (tx) => {
    await setOwnPasswordHash({ userId, passwordHash }, { db: tx, clock, actor });
    await authRepo.deleteSessionsOfUser(tx, userId, sessionId);
    if (sessionId) await authRepo.restampSession(tx, sessionId, clock.now().toISOString());
  });
  notifyAccessChanged();
};

const toApiToken = (row: Awaited<ReturnType<typeof authRepo.listApiTokens>>[number]): ApiToken => ({
  id: row.id,
  name: row.name,
  tokenPrefix: row.tokenPrefix,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  expiresAt: row.expiresAt,
});

/** Creates an API token for the caller; the secret is returned once and stored only as an HMAC. */
export const createApiToken = async (
  { name, expiresInDays, userId }: CreateApiTokenInput & { userId: number },
  deps: AuthDeps & { actor: Actor },
): Promise<{ token: ApiToken; secret: string }> => {
  const { db, clock, secret: key, actor } = deps;
  const secret = randomToken('gk_');
  const now = clock.now();
  return db.transaction().execute(async (tx) => {
    const row = await authRepo.insertApiToken(tx, {
      userId,
      name,
      tokenHash: hashToken(key, secret),
      tokenPrefix: secret.slice(0, 8),
      createdAt: now.toISOString(),
      lastUsedAt: null,
      expiresAt: expiresInDays ? new Date(now.getTime() + expiresInDays * 86_400_000).toISOString() : null,
      revokedAt: null,
    });
    const token = toApiToken(row);
    await recordAudit(
      tx,
      { action: 'api_token.create', entity: 'api_token', entityId: row.id, after: token },
      { actor, clock },
    );
    return { token, secret };
  });
};

export const listApiTokens = async ({ userId }: { userId: number }, { db }: Pick<AuthDeps, 'db'>) =>
  (await authRepo.listApiTokens(db, userId)).map(toApiToken);

export const revokeApiToken = async (
  { tokenId, userId }: { tokenId: number; userId: number },
  deps: AuthDeps & { actor: Actor },
) => {
  const { db, clock, actor } = deps;
  await db.transaction().execute(async (tx) => {
    const result = await authRepo.revokeApiToken(tx, tokenId, userId, clock.now().toISOString());
    if (Number(result.numUpdatedRows) === 0) throw new AppError('auth.token_not_found', { tokenId });
    await recordAudit(
      tx,
      { action: 'api_token.revoke', entity: 'api_token', entityId: tokenId },
      { actor, clock },
    );
  });
  notifyAccessChanged();
};

/** The user behind a `Bearer gk_…` token, or null when unknown, revoked, expired or deactivated. */
export const authenticateApiToken = async (
  { token }: { token: string },
  deps: AuthDeps,
): Promise<Authenticated | null> => {
  const { db, clock, secret } = deps;
  const row = await authRepo.findApiTokenByHash(db, hashToken(secret, token));
  const now = clock.now();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now.toISOString())) return null;
  const account = await findAccount({ userId: row.userId }, { db });
  if (!account || !account.active) return null;
  if (!row.lastUsedAt || now.getTime() - Date.parse(row.lastUsedAt) > touchEveryMs) {
    await authRepo.touchApiToken(db, row.id, now.toISOString());
  }
  return { actor: actorOf(account), me: meOf(account), account };
};

/** Housekeeping for a sweep: expired sessions and old login attempts. */
export const purgeExpiredAuthState = async ({ db, clock }: Pick<AuthDeps, 'db' | 'clock'>) => {
  const now = clock.now();
  await authRepo.deleteExpiredSessions(db, now.toISOString());
  await authRepo.deleteLoginAttemptsBefore(db, new Date(now.getTime() - 24 * 3600_000).toISOString());
};
