import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { ZIdParams } from '../org/org.schema.js';
import { listTemplateKeys, readTemplate } from './report-templates.js';
import {
  generateReport,
  listReports,
  readReport,
  ZGenerateReportInput,
  ZReportSummary,
} from './reports.service.js';

/** Report templates and generated reports under /api/v1. */
export const reportsRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = { tags: ['reports'] };

  app.get(
    '/api/v1/report-templates',
    {
      schema: {
        ...tags,
        response: {
          200: z.array(
            z.object({ key: z.string(), name: z.string(), nameEn: z.string(), source: z.string() }),
          ),
        },
      },
    },
    async () =>
      listTemplateKeys().map((key) => {
        const t = readTemplate(key);
        return { key: t.key, name: t.name, nameEn: t.nameEn, source: t.source };
      }),
  );
  app.get(
    '/api/v1/reports',
    { schema: { ...tags, response: { 200: z.array(ZReportSummary) } } },
    async (req) => listReports(depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/reports',
    {
      schema: {
        ...tags,
        summary:
          'Generate a report for a month and unit, in docx, html, md or xlsx; stored to download again',
        body: ZGenerateReportInput,
        response: { 201: ZReportSummary },
      },
    },
    async (req, reply) => reply.status(201).send(await generateReport(req.body, depsOf(ctx, req))),
  );
  app.get(
    '/api/v1/reports/:id/file',
    { schema: { ...tags, summary: 'Download a generated report', params: ZIdParams } },
    async (req, reply) => {
      const file = await readReport({ reportId: req.params.id }, depsOf(ctx, req));
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .header('x-content-type-options', 'nosniff')
        .send(file.content);
    },
  );
};
