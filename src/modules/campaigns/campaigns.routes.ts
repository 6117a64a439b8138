import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { figuresOfCampaigns, ZCampaignFigures, ZCampaignFiguresQuery } from './campaign-figures.service.js';
import { ZCampaign, ZCreateCampaignInput, ZCreateCampaignResult } from './campaigns.schema.js';
import { createCampaign, getCampaign, listCampaigns } from './campaigns.service.js';
import {
  getCaseCampaignTarget,
  listCampaignTargets,
  listTargetLists,
  ZCampaignTargetPage,
  ZCampaignTargetsQuery,
  ZCaseCampaignTarget,
  ZTargetListSummary,
} from './campaign-targets.service.js';
import { escalateTargetToVisit, ZEscalateToVisitInput } from './campaign-visits.service.js';

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
  app.get(
    '/api/v1/campaigns/:key/targets',
    {
      schema: {
        ...tags,
        summary: "A page of a campaign's targets with their follow-up's state and outcome",
        params: z.object({ key: z.string().min(1).max(64) }),
        querystring: ZCampaignTargetsQuery,
        response: { 200: ZCampaignTargetPage },
      },
    },
    async (req) => listCampaignTargets({ campaign: req.params.key, query: req.query }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/campaigns/:key/targets/:externalKey/visit',
    {
      schema: {
        ...tags,
        summary: 'Escalate an unreachable target to a door-to-door visit (cases.write)',
        params: z.object({ key: z.string().min(1).max(64), externalKey: z.string().min(1).max(100) }),
        body: ZEscalateToVisitInput,
        response: { 201: z.object({ caseId: z.number().int() }) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await escalateTargetToVisit(
            { campaign: req.params.key, externalKey: req.params.externalKey, input: req.body },
            depsOf(ctx, req),
          ),
        ),
  );
  app.get(
    '/api/v1/cases/:caseId/campaign-target',
    {
      schema: {
        ...tags,
        summary: 'The campaign target behind a follow-up or visit case (404 when none)',
        params: z.object({ caseId: z.coerce.number().int().positive() }),
        response: { 200: ZCaseCampaignTarget },
      },
    },
    async (req) => getCaseCampaignTarget({ caseId: req.params.caseId }, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/target-lists',
    {
      schema: {
        ...tags,
        summary: 'Imported target lists the caller may dispatch (cases.dispatch)',
        response: { 200: z.array(ZTargetListSummary) },
      },
    },
    async (req) => listTargetLists(depsOf(ctx, req)),
  );
};
