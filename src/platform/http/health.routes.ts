import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Dialect } from '../config/config.js';
import type { Db } from '../db/database.js';
import { pingDatabase } from '../db/database.js';
import { AppError } from '../errors/app-error.js';

export const ZHealth = z.object({
  status: z.literal('ok'),
  version: z.string(),
  database: z.object({ dialect: z.enum(['sqlite', 'postgres']), ok: z.boolean() }),
});

/** Liveness and readiness in one: 200 when the database answers, 503 otherwise. */
export const healthRoutes =
  ({ db, dialect, version }: { db: Db; dialect: Dialect; version: string }) =>
  async (root: FastifyInstance) => {
    root
      .withTypeProvider<ZodTypeProvider>()
      .get(
        '/api/v1/health',
        { config: { public: true }, schema: { tags: ['system'], security: [], response: { 200: ZHealth } } },
        async () => {
          if (!(await pingDatabase(db))) throw new AppError('database.unavailable');
          return { status: 'ok' as const, version, database: { dialect, ok: true } };
        },
      );
  };
