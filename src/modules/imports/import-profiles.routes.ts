import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { deleteImportProfile, listImportProfiles, putImportProfile } from './import-profiles.service.js';
import type { ImportTargetRegistry } from './import-target.js';
import { ZImportProfile, ZProfileName, ZPutImportProfileInput } from './imports.schema.js';

/** Import profiles (导入方案) under /api/v1/import-profiles. */
export const importProfilesRoutes =
  (ctx: AppContext, targets: ImportTargetRegistry) => async (root: FastifyInstance) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = { tags: ['imports'] };
    const params = z.object({ name: ZProfileName });

    app.get(
      '/api/v1/import-profiles',
      { schema: { ...tags, response: { 200: z.array(ZImportProfile) } } },
      async (req) => listImportProfiles({ ...depsOf(ctx, req), targets }),
    );
    app.put(
      '/api/v1/import-profiles/:name',
      {
        schema: {
          ...tags,
          summary: 'Create or replace an import profile (the permission of its target)',
          params,
          body: ZPutImportProfileInput,
          response: { 200: ZImportProfile, 201: ZImportProfile },
        },
      },
      async (req, reply) => {
        const { profile, created } = await putImportProfile(
          { name: req.params.name, profile: req.body },
          { ...depsOf(ctx, req), targets },
        );
        return reply.status(created ? 201 : 200).send(profile);
      },
    );
    app.delete('/api/v1/import-profiles/:name', { schema: { ...tags, params } }, async (req, reply) => {
      await deleteImportProfile({ name: req.params.name }, { ...depsOf(ctx, req), targets });
      return reply.status(204).send();
    });
  };
