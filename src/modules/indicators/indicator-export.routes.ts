import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { exportIndicatorValues } from './indicator-export.js';
import { ZValuesQuery } from './indicator-values.service.js';

/** The values of an indicator as an Excel workbook: the query of GET /indicators/:key/values. */
export const indicatorExportRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/indicators/:key/values.xlsx',
    {
      schema: {
        tags: ['indicators'],
        summary: 'Download the values (units × periods: value, target, status; numerators and denominators)',
        params: z.object({ key: z.string().min(1).max(64) }),
        querystring: ZValuesQuery,
      },
    },
    async (req, reply) => {
      const file = await exportIndicatorValues(
        { indicator: req.params.key, query: req.query },
        depsOf(ctx, req),
      );
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .header('x-content-type-options', 'nosniff')
        .send(file.content);
    },
  );
};
