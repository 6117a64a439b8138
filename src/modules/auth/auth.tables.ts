import type { Generated } from 'kysely';

export type SessionTable = {
  /** HMAC-SHA256 of the cookie token under the session secret; the token itself is never stored. */
  id: string;
  userId: number;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
};

export type ApiTokenTable = {
  id: Generated<number>;
  userId: number;
  name: string;
  tokenHash: string;
  /** First characters of the token, shown in lists so a user can tell tokens apart. */
  tokenPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

export type LoginAttemptTable = {
  id: Generated<number>;
  username: string;
  ip: string;
  at: string;
  success: number;
};

export type AuthTables = {
  sessions: SessionTable;
  apiTokens: ApiTokenTable;
  loginAttempts: LoginAttemptTable;
};
