import type { FastifyServerOptions } from 'fastify';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { authDepsOf, authRoutes } from './modules/auth/auth.routes.js';
import { authenticateApiToken, authenticateSession } from './modules/auth/auth.service.js';
import { orgRoutes } from './modules/org/org.routes.js';
import type { Clock } from './platform/clock.js';
import { systemClock } from './platform/clock.js';
import type { Config } from './platform/config/config.js';
import type { AppContext } from './platform/context.js';
import { createDatabase, databaseOptionsFromConfig, dialectOf } from './platform/db/database.js';
import type { Db } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrations.js';
import { healthRoutes } from './platform/http/health.routes.js';
import type { Authenticator } from './platform/http/request-auth.js';
import type { HttpApp } from './platform/http/server.js';
import { createHttpServer, redactedLogPaths } from './platform/http/server.js';
import { defaultWebRoot, packageVersion } from './platform/package-info.js';

export type BuildAppOptions = {
  config: Config;
  clock?: Clock;
  /** An open database; by default one is opened from the config and closed with the app. */
  db?: Db;
  /** false for tests and benchmarks; by default pino at the configured level. */
  logger?: FastifyServerOptions['logger'];
  webRoot?: string | undefined;
};

export type App = { http: HttpApp; ctx: AppContext; close: () => Promise<void> };

const authenticatorFor = (ctx: AppContext): Authenticator => {
  const deps = authDepsOf(ctx);
  return async ({ sessionToken, bearerToken }) => {
    if (bearerToken) {
      const found = await authenticateApiToken({ token: bearerToken }, deps);
      return found && { actor: found.actor, userId: found.account.id, via: 'token' };
    }
    if (!sessionToken) return null;
    const found = await authenticateSession({ token: sessionToken }, deps);
    return found && { actor: found.actor, userId: found.account.id, via: 'session', session: { id: found.sessionId, csrfToken: found.csrfToken } };
  };
};

/** The composition root: one database, one clock, every module's routes on one HTTP server. */
export const buildApp = async (options: BuildAppOptions): Promise<App> => {
  const { config } = options;
  const db = options.db ?? createDatabase(databaseOptionsFromConfig(config));
  const ctx: AppContext = { db, clock: options.clock ?? systemClock, config };
  const http = await createHttpServer({
    config,
    version: packageVersion,
    logger: options.logger ?? { level: config.logLevel, redact: redactedLogPaths },
    authenticate: authenticatorFor(ctx),
    webRoot: options.webRoot ?? defaultWebRoot,
    plugins: [
      healthRoutes({ db, dialect: dialectOf(db), version: packageVersion }),
      authRoutes(ctx),
      orgRoutes(ctx),
      auditRoutes(ctx),
    ],
  });
  return {
    http,
    ctx,
    close: async () => {
      await http.close();
      if (!options.db) await db.destroy();
    },
  };
};

/** Migrations run at every start; they are quick when there is nothing to apply. */
export const prepareDatabase = (db: Db) => migrateToLatest(db);
