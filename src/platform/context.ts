import type { FastifyRequest } from 'fastify';
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import type { Db } from './db/database.js';
import type { Deps } from './deps.js';
import { authOf } from './http/request-auth.js';

/** What lives for the whole process: built once at start-up and handed to every module's routes. */
export type AppContext = { db: Db; clock: Clock; config: Config };

/** The explicit dependencies of a domain call made on behalf of the request's caller. */
export const depsOf = (ctx: AppContext, request: FastifyRequest): Deps => ({
  db: ctx.db,
  clock: ctx.clock,
  actor: authOf(request).actor,
});
