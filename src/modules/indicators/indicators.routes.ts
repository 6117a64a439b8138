import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePermission } from '../../platform/access.js';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { ZIndicatorDefinition } from './indicator.schema.js';
import { listIndicatorAlerts, ZIndicatorAlert } from './indicator-alerts.service.js';
import { recomputeIndicators } from './indicator-compute.service.js';
import { dashboardOf, ZDashboard, ZDashboardQuery } from './indicator-dashboard.service.js';
import { loadIndicatorValues, ZLoadInput, ZLoadResult } from './indicator-load.service.js';
import { rankUnits, ZRanking, ZRankingQuery } from './indicator-ranking.service.js';
import {
  listValueVersions,
  readIndicatorValues,
  ZIndicatorValue,
  ZValuesQuery,
  ZValueVersion,
} from './indicator-values.service.js';
import {
  defineIndicator,
  getIndicator,
  listComputedSources,
  listIndicators,
  ZIndicator,
} from './indicators.service.js';

const ZKeyParam = z.object({ key: z.string().min(1).max(64) });

/** Indicators (指标) under /api/v1: definitions, values, loads, rankings, alerts, the dashboard. */
export const indicatorsRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = { tags: ['indicators'] };

  app.get(
    '/api/v1/indicators',
    { schema: { ...tags, response: { 200: z.array(ZIndicator) } } },
    async (req) => listIndicators(depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/indicator-sources',
    {
      schema: {
        ...tags,
        summary: 'The computed sources an indicator can read, with their measure and parameters',
        response: {
          200: z.array(
            z.object({
              key: z.string(),
              measure: z.string(),
              params: z.array(z.string()),
              required: z.array(z.string()),
            }),
          ),
        },
      },
    },
    async (req) => {
      requirePermission(depsOf(ctx, req).actor, 'indicators.read');
      return listComputedSources();
    },
  );
  app.post(
    '/api/v1/indicators',
    {
      schema: {
        ...tags,
        summary:
          'Define an indicator, or replace the definition of the one with this key (indicators.manage)',
        body: ZIndicatorDefinition,
        response: { 200: ZIndicator },
      },
    },
    async (req) => defineIndicator({ definition: req.body }, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/indicators/:key',
    { schema: { ...tags, params: ZKeyParam, response: { 200: ZIndicator } } },
    async (req) => getIndicator({ key: req.params.key }, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/indicators/:key/values',
    {
      schema: {
        ...tags,
        summary: 'Values of a unit, its children or its subtree over a period range, with target and status',
        params: ZKeyParam,
        querystring: ZValuesQuery,
        response: { 200: z.array(ZIndicatorValue) },
      },
    },
    async (req) => readIndicatorValues({ indicator: req.params.key, query: req.query }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/indicators/:key/values',
    {
      schema: {
        ...tags,
        summary:
          'Load series values (all or nothing; a stored value is replaced as a correction) (indicators.load)',
        params: ZKeyParam,
        body: ZLoadInput,
        response: { 200: ZLoadResult },
      },
    },
    async (req) => loadIndicatorValues({ indicator: req.params.key, rows: req.body.rows }, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/indicators/:key/history',
    {
      schema: {
        ...tags,
        summary: "Every version of a unit's own value in a period (corrections, recomputes)",
        params: ZKeyParam,
        querystring: z.object({
          unitId: z.coerce.number().int().positive(),
          period: z.string().min(1).max(20),
        }),
        response: { 200: z.array(ZValueVersion) },
      },
    },
    async (req) => listValueVersions({ indicator: req.params.key, ...req.query }, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/indicators/:key/ranking',
    {
      schema: {
        ...tags,
        summary: 'Benchmarking (对标): the units of one level ranked on the indicator, ties sharing a rank',
        params: ZKeyParam,
        querystring: ZRankingQuery,
        response: { 200: ZRanking },
      },
    },
    async (req) => rankUnits({ indicator: req.params.key, query: req.query }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/indicators/recompute',
    {
      schema: {
        ...tags,
        summary:
          'Recompute computed indicators over a range of days (indicators.manage); writes only differences',
        body: z.object({
          indicators: z.array(z.string().min(1).max(64)).optional(),
          from: z.iso.date().optional(),
          to: z.iso.date().optional(),
        }),
        response: {
          200: z.object({
            indicators: z.number().int(),
            periods: z.number().int(),
            valuesWritten: z.number().int(),
            rollupsWritten: z.number().int(),
          }),
        },
      },
    },
    async (req) => {
      const deps = depsOf(ctx, req);
      requirePermission(deps.actor, 'indicators.manage');
      return recomputeIndicators(req.body, deps);
    },
  );
  app.get(
    '/api/v1/indicator-alerts',
    {
      schema: {
        ...tags,
        summary: 'Control-chart alerts on units in your scope, newest first',
        querystring: z.object({
          indicator: z.string().min(1).max(64).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.array(ZIndicatorAlert) },
      },
    },
    async (req) => listIndicatorAlerts(req.query, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/dashboard',
    {
      schema: {
        ...tags,
        summary: "The home dashboard of the caller's unit: indicator cards, alerts, overdue cases, ranking",
        querystring: ZDashboardQuery,
        response: { 200: ZDashboard },
      },
    },
    async (req) => dashboardOf(req.query, depsOf(ctx, req)),
  );
};
