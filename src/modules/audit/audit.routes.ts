import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { ZPaged } from '../org/org.schema.js';
import { ZAuditEvent, ZAuditQuery } from './audit.schema.js';
import { listAuditEvents } from './audit.service.js';

export const auditRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  root.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/audit-events',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit trail within the caller scope',
        querystring: ZAuditQuery,
        response: { 200: ZPaged(ZAuditEvent) },
      },
    },
    async (req) => listAuditEvents(req.query, depsOf(ctx, req)),
  );
};
