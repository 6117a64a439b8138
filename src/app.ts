import type { FastifyServerOptions } from 'fastify';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { calendarRoutes } from './modules/calendar/calendar.routes.js';
import { customersRoutes } from './modules/customers/customers.routes.js';
import { authDepsOf, authRoutes } from './modules/auth/auth.routes.js';
import { authenticateApiToken, authenticateSession } from './modules/auth/auth.service.js';
import { orgRoutes } from './modules/org/org.routes.js';
import { campaignsRoutes } from './modules/campaigns/campaigns.routes.js';
import { casesRoutes } from './modules/cases/cases.routes.js';
import { reportsRoutes } from './modules/reports/reports.routes.js';
import { indicatorsRoutes } from './modules/indicators/indicators.routes.js';
import { indicatorExportRoutes } from './modules/indicators/indicator-export.routes.js';
import { importRunsRoutes } from './modules/imports/import-runs.routes.js';
import { importTargets } from './import-targets.js';
import { notificationsRoutes } from './modules/notifications/notifications.routes.js';
import type { Clock } from './platform/clock.js';
import { systemClock } from './platform/clock.js';
import type { Config } from './platform/config/config.js';
import type { AppContext } from './platform/context.js';
import { createDatabase, databaseOptionsFromConfig, dialectOf } from './platform/db/database.js';
import type { Db } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrations.js';
import { healthRoutes } from './platform/http/health.routes.js';
import type { Authenticator, RequestAuth } from './platform/http/request-auth.js';
import { onAccessChanged } from './platform/access-changes.js';
import { createCredentialCache } from './modules/auth/credential-cache.js';
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

/** How long resolved credentials are reused before the database is asked again. */
const credentialCacheMs = 3000;

/**
 * Resolves a request's credentials: a bearer API token or the session cookie. Results are
 * cached briefly by token hash (see credential-cache.ts); every change of access in this
 * process clears the cache.
 */
const authenticatorFor = (ctx: AppContext): { authenticate: Authenticator; dispose: () => void } => {
  const deps = authDepsOf(ctx);
  const cache = createCredentialCache<RequestAuth | null>({
    ttlMs: credentialCacheMs,
    max: 10_000,
    clock: ctx.clock,
  });
  const dispose = onAccessChanged(() => cache.clear());
  const resolve = async (kind: 'token' | 'session', token: string): Promise<RequestAuth | null> => {
    if (kind === 'token') {
      const found = await authenticateApiToken({ token }, deps);
      return found && { actor: found.actor, userId: found.account.id, via: 'token' };
    }
    const found = await authenticateSession({ token }, deps);
    return (
      found && {
        actor: found.actor,
        userId: found.account.id,
        via: 'session',
        session: { id: found.sessionId, csrfToken: found.csrfToken },
      }
    );
  };
  const authenticate: Authenticator = async ({ sessionToken, bearerToken }) => {
    const [kind, token] = bearerToken
      ? (['token', bearerToken] as const)
      : (['session', sessionToken] as const);
    if (!token) return null;
    const key = `${kind}:${token}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const resolved = await resolve(kind, token);
    cache.set(key, resolved);
    return resolved;
  };
  return { authenticate, dispose };
};

/** The composition root: one database, one clock, every module's routes on one HTTP server. */
export const buildApp = async (options: BuildAppOptions): Promise<App> => {
  const { config } = options;
  const db = options.db ?? createDatabase(databaseOptionsFromConfig(config));
  const ctx: AppContext = { db, clock: options.clock ?? systemClock, config };
  const credentials = authenticatorFor(ctx);
  const http = await createHttpServer({
    config,
    version: packageVersion,
    logger: options.logger ?? {
      level: config.logLevel,
      redact: redactedLogPaths,
      // Readable lines for a person at a terminal; JSON for log collectors.
      ...(config.logFormat === 'pretty'
        ? {
            transport: {
              target: 'pino-pretty',
              options: {
                translateTime: 'SYS:HH:MM:ss',
                ignore: 'pid,hostname,reqId,method,url,statusCode,ms',
              },
            },
          }
        : {}),
    },
    authenticate: credentials.authenticate,
    webRoot: options.webRoot ?? defaultWebRoot,
    plugins: [
      healthRoutes({ db, dialect: dialectOf(db), version: packageVersion }),
      authRoutes(ctx),
      orgRoutes(ctx),
      auditRoutes(ctx),
      calendarRoutes(ctx),
      customersRoutes(ctx),
      casesRoutes(ctx),
      campaignsRoutes(ctx),
      reportsRoutes(ctx),
      indicatorsRoutes(ctx),
      indicatorExportRoutes(ctx),
      notificationsRoutes(ctx),
      importRunsRoutes(ctx, importTargets),
    ],
  });
  return {
    http,
    ctx,
    close: async () => {
      credentials.dispose();
      await http.close();
      if (!options.db) await db.destroy();
    },
  };
};

/** Migrations run at every start; they are quick when there is nothing to apply. */
export const prepareDatabase = (db: Db) => migrateToLatest(db);
