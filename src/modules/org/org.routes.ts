import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { listAuditEvents } from '../audit/audit.service.js';
import { ZAuditEvent } from '../audit/audit.schema.js';
import {
  ZCreatePersonInput,
  ZCreateUnitInput,
  ZCreateUserInput,
  ZIdParams,
  ZListPeopleQuery,
  ZListUsersQuery,
  ZPaged,
  ZPerson,
  ZResetPasswordInput,
  ZUnit,
  ZUpdatePersonInput,
  ZUpdateUnitInput,
  ZUpdateUserInput,
  ZUser,
} from './org.schema.js';
import { createPerson, deletePerson, getPerson, listPeople, updatePerson } from './people.service.js';
import { createUnit, deleteUnit, getUnit, listUnits, updateUnit } from './units.service.js';
import { createUser, getUser, listUsers, resetUserPassword, updateUser } from './users.service.js';

const ZTrail = z.object({ items: z.array(ZAuditEvent) });

/** Units, people and users under /api/v1: validate, call the service, nothing else. */
export const orgRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const units = { tags: ['org'] };

  app.get(
    '/api/v1/units',
    {
      schema: {
        ...units,
        summary: 'Units the caller may read',
        response: { 200: z.object({ items: z.array(ZUnit) }) },
      },
    },
    async (req) => ({
      items: await listUnits(depsOf(ctx, req)),
    }),
  );
  app.get(
    '/api/v1/units/:id',
    { schema: { ...units, params: ZIdParams, response: { 200: ZUnit } } },
    async (req) => getUnit({ unitId: req.params.id }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/units',
    { schema: { ...units, body: ZCreateUnitInput, response: { 201: ZUnit } } },
    async (req, reply) => reply.status(201).send(await createUnit(req.body, depsOf(ctx, req))),
  );
  app.patch(
    '/api/v1/units/:id',
    { schema: { ...units, params: ZIdParams, body: ZUpdateUnitInput, response: { 200: ZUnit } } },
    async (req) => updateUnit({ unitId: req.params.id, patch: req.body }, depsOf(ctx, req)),
  );
  app.delete('/api/v1/units/:id', { schema: { ...units, params: ZIdParams } }, async (req, reply) => {
    await deleteUnit({ unitId: req.params.id }, depsOf(ctx, req));
    return reply.status(204).send();
  });
  app.get(
    '/api/v1/units/:id/audit',
    { schema: { ...units, summary: 'Audit trail of a unit', params: ZIdParams, response: { 200: ZTrail } } },
    async (req) => {
      const deps = depsOf(ctx, req);
      await getUnit({ unitId: req.params.id }, deps); // 404 outside the read scope
      return {
        items: (
          await listAuditEvents(
            { entity: 'unit', entityId: String(req.params.id), page: 1, pageSize: 200 },
            deps,
          )
        ).items,
      };
    },
  );

  const people = { tags: ['org'] };
  app.get(
    '/api/v1/people',
    { schema: { ...people, querystring: ZListPeopleQuery, response: { 200: ZPaged(ZPerson) } } },
    async (req) => listPeople(req.query, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/people/:id',
    { schema: { ...people, params: ZIdParams, response: { 200: ZPerson } } },
    async (req) => getPerson({ personId: req.params.id }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/people',
    { schema: { ...people, body: ZCreatePersonInput, response: { 201: ZPerson } } },
    async (req, reply) => reply.status(201).send(await createPerson(req.body, depsOf(ctx, req))),
  );
  app.patch(
    '/api/v1/people/:id',
    { schema: { ...people, params: ZIdParams, body: ZUpdatePersonInput, response: { 200: ZPerson } } },
    async (req) => updatePerson({ personId: req.params.id, patch: req.body }, depsOf(ctx, req)),
  );
  app.delete('/api/v1/people/:id', { schema: { ...people, params: ZIdParams } }, async (req, reply) => {
    await deletePerson({ personId: req.params.id }, depsOf(ctx, req));
    return reply.status(204).send();
  });
  app.get(
    '/api/v1/people/:id/audit',
    {
      schema: { ...people, summary: 'Audit trail of a person', params: ZIdParams, response: { 200: ZTrail } },
    },
    async (req) => {
      const deps = depsOf(ctx, req);
      await getPerson({ personId: req.params.id }, deps);
      return {
        items: (
          await listAuditEvents(
            { entity: 'person', entityId: String(req.params.id), page: 1, pageSize: 200 },
            deps,
          )
        ).items,
      };
    },
  );

  const users = { tags: ['users'] };
  app.get(
    '/api/v1/users',
    { schema: { ...users, querystring: ZListUsersQuery, response: { 200: ZPaged(ZUser) } } },
    async (req) => listUsers(req.query, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/users/:id',
    { schema: { ...users, params: ZIdParams, response: { 200: ZUser } } },
    async (req) => getUser({ userId: req.params.id }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/users',
    { schema: { ...users, body: ZCreateUserInput, response: { 201: ZUser } } },
    async (req, reply) => reply.status(201).send(await createUser(req.body, depsOf(ctx, req))),
  );
  app.patch(
    '/api/v1/users/:id',
    { schema: { ...users, params: ZIdParams, body: ZUpdateUserInput, response: { 200: ZUser } } },
    async (req) => updateUser({ userId: req.params.id, patch: req.body }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/users/:id/reset-password',
    { schema: { ...users, params: ZIdParams, body: ZResetPasswordInput } },
    async (req, reply) => {
      await resetUserPassword({ userId: req.params.id, password: req.body.password }, depsOf(ctx, req));
      return reply.status(204).send();
    },
  );
};
