import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { localeOf } from '../../platform/http/locale.js';
import { ZIdParams } from '../org/org.schema.js';
import { ZPaged } from '../org/org.schema.js';
import { ZCaseTypeDefinition } from './case-type.schema.js';
import {
  addAttachment,
  attachmentLimitBytes,
  listAttachments,
  readAttachment,
} from './case-attachments.service.js';
import { figuresOfCases } from './case-figures.service.js';
import { tallyOfCases } from './case-tally.service.js';
import { createCaseType, getCaseType, listCaseTypes, updateCaseType } from './case-types.service.js';
import { bulkAssignCases, getCase, listAssignees, listCaseEvents, listCases } from './case-views.service.js';
import {
  ZAttachment,
  ZBulkAssignInput,
  ZBulkResult,
  ZCase,
  ZCaseEvent,
  ZCaseSummary,
  ZCaseType,
  ZCaseTypeKeyParams,
  ZCommentInput,
  ZCreateCaseInput,
  ZFigures,
  ZFiguresQuery,
  ZListCasesQuery,
  ZReclassifyInput,
  ZRecordCallbackInput,
  ZTally,
  ZTallyQuery,
  ZTransitionInput,
} from './cases.schema.js';
import { recordCallback } from './case-callbacks.service.js';
import { commentOnCase, createCase, reclassifyCase, transitionCase } from './cases.service.js';

/** Case types, cases, their events, callbacks, attachments and figures under /api/v1. */
export const casesRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = { tags: ['cases'] };
  const typeTags = { tags: ['case types'] };

  app.get(
    '/api/v1/case-types',
    { schema: { ...typeTags, response: { 200: z.array(ZCaseType) } } },
    async (req) => listCaseTypes(depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/case-types/:key',
    { schema: { ...typeTags, params: ZCaseTypeKeyParams, response: { 200: ZCaseType } } },
    async (req) => getCaseType({ key: req.params.key }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/case-types',
    {
      schema: {
        ...typeTags,
        summary: 'Configure a case type (cases.configure)',
        body: ZCaseTypeDefinition,
        response: { 201: ZCaseType },
      },
    },
    async (req, reply) => reply.status(201).send(await createCaseType(req.body, depsOf(ctx, req))),
  );
  app.put(
    '/api/v1/case-types/:key',
    {
      schema: {
        ...typeTags,
        params: ZCaseTypeKeyParams,
        body: ZCaseTypeDefinition,
        response: { 200: ZCaseType },
      },
    },
    async (req) => updateCaseType({ key: req.params.key, definition: req.body }, depsOf(ctx, req)),
  );

  app.get(
    '/api/v1/cases',
    {
      schema: {
        ...tags,
        summary: 'Cases the caller sees: queues, overdue, callbacks due; filters',
        querystring: ZListCasesQuery,
        response: { 200: ZPaged(ZCaseSummary) },
      },
    },
    async (req) => listCases(req.query, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/cases',
    { schema: { ...tags, body: ZCreateCaseInput, response: { 201: ZCase } } },
    async (req, reply) => {
      const deps = depsOf(ctx, req);
      const { caseId } = await createCase(req.body, deps);
      return reply.status(201).send(await getCase({ caseId }, deps));
    },
  );
  app.get(
    '/api/v1/cases/:id',
    { schema: { ...tags, params: ZIdParams, response: { 200: ZCase } } },
    async (req) => getCase({ caseId: req.params.id }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/cases/:id/transitions',
    {
      schema: {
        ...tags,
        summary:
          'Take a lifecycle action (assign, accept, start, pause, resume, resolve, close, reopen, cancel)',
        params: ZIdParams,
        body: ZTransitionInput,
        response: { 200: ZCase },
      },
    },
    async (req) => {
      const deps = depsOf(ctx, req);
      await transitionCase({ caseId: req.params.id, input: req.body }, deps);
      return getCase({ caseId: req.params.id }, deps);
    },
  );
  app.post(
    '/api/v1/cases/:id/reclassify',
    {
      schema: {
        ...tags,
        summary: 'Change category or priority; clocks are recomputed',
        params: ZIdParams,
        body: ZReclassifyInput,
        response: { 200: ZCase },
      },
    },
    async (req) => {
      const deps = depsOf(ctx, req);
      await reclassifyCase({ caseId: req.params.id, input: req.body }, deps);
      return getCase({ caseId: req.params.id }, deps);
    },
  );
  app.get(
    '/api/v1/cases/:id/events',
    { schema: { ...tags, params: ZIdParams, response: { 200: z.object({ items: z.array(ZCaseEvent) }) } } },
    async (req) => ({ items: await listCaseEvents({ caseId: req.params.id }, depsOf(ctx, req)) }),
  );
  app.post(
    '/api/v1/cases/:id/comments',
    { schema: { ...tags, params: ZIdParams, body: ZCommentInput, response: { 201: ZCaseEvent } } },
    async (req, reply) => {
      const deps = depsOf(ctx, req);
      const eventId = await commentOnCase({ caseId: req.params.id, text: req.body.text }, deps);
      const events = await listCaseEvents({ caseId: req.params.id }, deps);
      return reply.status(201).send(events.find((e) => e.id === eventId)!);
    },
  );
  app.post(
    '/api/v1/cases/:id/callbacks',
    {
      schema: {
        ...tags,
        summary: 'Record the callback (回访) of a resolved case',
        params: ZIdParams,
        body: ZRecordCallbackInput,
        response: { 200: ZCase },
      },
    },
    async (req) => {
      const deps = depsOf(ctx, req);
      await recordCallback({ caseId: req.params.id, input: req.body }, deps);
      return getCase({ caseId: req.params.id }, deps);
    },
  );
  app.post(
    '/api/v1/cases/bulk-assign',
    {
      schema: {
        ...tags,
        summary: 'Assign or transfer many cases; one result per case',
        body: ZBulkAssignInput,
        response: { 200: ZBulkResult },
      },
    },
    async (req) => bulkAssignCases(req.body, { ...depsOf(ctx, req), locale: localeOf(req) }),
  );
  app.get(
    '/api/v1/case-assignees',
    {
      schema: {
        ...tags,
        summary: 'People the caller may assign cases to (cases.dispatch)',
        querystring: z.object({ q: z.string().trim().max(100).optional() }),
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.number().int(), name: z.string(), username: z.string() })),
          }),
        },
      },
    },
    async (req) => listAssignees({ q: req.query.q }, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/case-figures',
    {
      schema: {
        ...tags,
        summary: 'Figures over a period and unit subtree',
        querystring: ZFiguresQuery,
        response: { 200: ZFigures },
      },
    },
    async (req) => figuresOfCases(req.query, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/case-tally',
    {
      schema: {
        ...tags,
        summary: 'The daily tally (每日盘点) of open cases by owner and root cause',
        querystring: ZTallyQuery,
        response: { 200: ZTally },
      },
    },
    async (req) => tallyOfCases(req.query, depsOf(ctx, req)),
  );

  app.get(
    '/api/v1/cases/:id/attachments',
    { schema: { ...tags, params: ZIdParams, response: { 200: z.object({ items: z.array(ZAttachment) }) } } },
    async (req) => listAttachments({ caseId: req.params.id }, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/cases/:id/attachments/:attachmentId/content',
    {
      schema: {
        ...tags,
        params: z.object({
          id: z.coerce.number().int().positive(),
          attachmentId: z.coerce.number().int().positive(),
        }),
      },
    },
    async (req, reply) => {
      const file = await readAttachment(
        { caseId: req.params.id, attachmentId: req.params.attachmentId },
        depsOf(ctx, req),
      );
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .header('x-content-type-options', 'nosniff')
        .send(Buffer.from(file.content));
    },
  );
  // Raw uploads in their own scope, so the catch-all body parser touches no other route.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: attachmentLimitBytes * 2 },
      (_req, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/cases/:id/attachments',
      {
        bodyLimit: attachmentLimitBytes * 2,
        schema: {
          ...tags,
          summary:
            'Upload a file as the raw body with its Content-Type (images, PDF, Word/Excel, text; ≤ 10 MB)',
          params: ZIdParams,
          querystring: z.object({ fileName: z.string().trim().min(1).max(200) }),
          response: { 201: ZAttachment },
        },
      },
      async (req, reply) => {
        const content = Buffer.isBuffer(req.body) ? req.body : Buffer.from(JSON.stringify(req.body ?? ''));
        const created = await addAttachment(
          {
            caseId: req.params.id,
            fileName: req.query.fileName,
            contentType: req.headers['content-type'] ?? '',
            content,
          },
          depsOf(ctx, req),
        );
        return reply.status(201).send(created);
      },
    );
  });
};
