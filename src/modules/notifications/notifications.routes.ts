import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';

export const notificationsRoutes = (_ctx: AppContext) => async (_root: FastifyInstance) => {};
