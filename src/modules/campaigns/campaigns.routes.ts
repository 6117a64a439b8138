import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { figuresOfCampaigns, ZCampaignFigures, ZCampaignFiguresQuery } from './campaign-figures.service.js';
import { ZCampaign, ZCreateCampaignInput, ZCreateCampaignResult } from './campaigns.schema.js';
import { createCampaign, getCampaign, listCampaigns } from './campaigns.service.js';

/** Dispatch campaigns (派单) and their figures under /api/v1. */
export const campaignsRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = { tags: ['campaigns'] };

  app.get('/api/v1/campaigns', { schema: { ...tags, response: { 200: z.array(ZCampaign) } } }, async (req) =>
    listCampaigns(depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/campaigns',
    {
      schema: {
        ...tags,
        summary: 'Create a campaign and dispatch its targets as follow-up cases (cases.dispatch)',
        body: ZCreateCampaignInput,
        response: { 201: ZCreateCampaignResult },
      },
    },
    async (req, reply) => reply.status(201).send(await createCampaign(req.body, depsOf(ctx, req))),
  );
  app.get(
    '/api/v1/campaigns/:key',
    {
      schema: { ...tags, params: z.object({ key: z.string().min(1).max(64) }), response: { 200: ZCampaign } },
    },
    async (req) => getCampaign({ key: req.params.key }, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/campaign-figures',
    {
      schema: {
        ...tags,
        summary: 'Figures of one campaign, or of the campaigns created in a period in a unit subtree',
        querystring: ZCampaignFiguresQuery,
        response: { 200: ZCampaignFigures },
      },
    },
    async (req) => figuresOfCampaigns(req.query, depsOf(ctx, req)),
  );
};
