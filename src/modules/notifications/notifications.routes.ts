import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { ZIdParams, ZPaged } from '../org/org.schema.js';
import {
  ZCreateWebhookEndpointInput,
  ZListDeliveriesQuery,
  ZListNotificationsQuery,
  ZNotification,
  ZReadAllResult,
  ZUnreadCount,
  ZUpdateWebhookEndpointInput,
  ZWebhookDelivery,
  ZWebhookEndpoint,
  ZWebhookTestResult,
} from './notifications.schema.js';
import {
  countUnreadNotifications,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listNotifications,
  listWebhookDeliveries,
  listWebhookEndpoints,
  markAllNotificationsRead,
  markNotificationRead,
  testWebhookEndpoint,
  updateWebhookEndpoint,
} from './notifications.service.js';

/** The web app's public base URL, once the config has one (`publicUrl`); links stay relative until then. */
const publicUrlOf = (config: AppContext['config']): string | null => {
  const value = (config as { publicUrl?: unknown }).publicUrl;
  return typeof value === 'string' && value !== '' ? value : null;
};

/** The inbox and the webhook endpoints under /api/v1: validate, call the service, nothing else. */
export const notificationsRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = { tags: ['notifications'] };

  app.get(
    '/api/v1/notifications',
    {
      schema: {
        ...tags,
        summary: "The caller's own inbox, newest first; title and body in both languages",
        querystring: ZListNotificationsQuery,
        response: { 200: ZPaged(ZNotification) },
      },
    },
    async (req) => listNotifications(req.query, depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/notifications/unread-count',
    {
      schema: {
        ...tags,
        summary: "How many of the caller's items are unread",
        response: { 200: ZUnreadCount },
      },
    },
    async (req) => countUnreadNotifications(depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/notifications/read-all',
    { schema: { ...tags, summary: "Marks all the caller's items read", response: { 200: ZReadAllResult } } },
    async (req) => markAllNotificationsRead(depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/notifications/:id/read',
    { schema: { ...tags, params: ZIdParams, response: { 200: ZNotification } } },
    async (req) => markNotificationRead({ notificationId: req.params.id }, depsOf(ctx, req)),
  );

  app.get(
    '/api/v1/webhook-endpoints',
    {
      schema: {
        ...tags,
        summary: 'Webhook endpoints (notifications.manage); secrets are never returned',
        response: { 200: z.object({ items: z.array(ZWebhookEndpoint) }) },
      },
    },
    async (req) => listWebhookEndpoints(depsOf(ctx, req)),
  );
  app.get(
    '/api/v1/webhook-endpoints/:id',
    { schema: { ...tags, params: ZIdParams, response: { 200: ZWebhookEndpoint } } },
    async (req) => getWebhookEndpoint({ endpointId: req.params.id }, depsOf(ctx, req)),
  );
  app.post(
    '/api/v1/webhook-endpoints',
    { schema: { ...tags, body: ZCreateWebhookEndpointInput, response: { 201: ZWebhookEndpoint } } },
    async (req, reply) => reply.status(201).send(await createWebhookEndpoint(req.body, depsOf(ctx, req))),
  );
  app.patch(
    '/api/v1/webhook-endpoints/:id',
    {
      schema: {
        ...tags,
        params: ZIdParams,
        body: ZUpdateWebhookEndpointInput,
        response: { 200: ZWebhookEndpoint },
      },
    },
    async (req) => updateWebhookEndpoint({ endpointId: req.params.id, patch: req.body }, depsOf(ctx, req)),
  );
  app.delete(
    '/api/v1/webhook-endpoints/:id',
    { schema: { ...tags, params: ZIdParams } },
    async (req, reply) => {
      await deleteWebhookEndpoint({ endpointId: req.params.id }, depsOf(ctx, req));
      return reply.status(204).send();
    },
  );
  app.post(
    '/api/v1/webhook-endpoints/:id/test',
    {
      schema: {
        ...tags,
        summary: 'Sends a test message now and returns the outcome (also for a disabled endpoint)',
        params: ZIdParams,
        response: { 200: ZWebhookTestResult },
      },
    },
    async (req) =>
      testWebhookEndpoint({ endpointId: req.params.id }, depsOf(ctx, req), {
        publicUrl: publicUrlOf(ctx.config),
      }),
  );
  app.get(
    '/api/v1/webhook-endpoints/:id/deliveries',
    {
      schema: {
        ...tags,
        summary: 'The most recent deliveries to the endpoint, newest first',
        params: ZIdParams,
        querystring: ZListDeliveriesQuery,
        response: { 200: z.object({ items: z.array(ZWebhookDelivery) }) },
      },
    },
    async (req) =>
      listWebhookDeliveries({ endpointId: req.params.id, limit: req.query.limit }, depsOf(ctx, req)),
  );
};
