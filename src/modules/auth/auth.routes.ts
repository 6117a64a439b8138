import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { depsOf } from '../../platform/context.js';
import { AppError } from '../../platform/errors/app-error.js';
import { authOf, sessionCookieName } from '../../platform/http/request-auth.js';
import { ZIdParams } from '../org/org.schema.js';
import { findAccount, updateOwnProfile } from '../org/users.service.js';
import {
  ZApiToken,
  ZChangePasswordInput,
  ZCreateApiTokenInput,
  ZLoginInput,
  ZMe,
  ZSessionReply,
  ZUpdateMeInput,
} from './auth.schema.js';
import type { AuthDeps } from './auth.service.js';
import {
  changePassword,
  createApiToken,
  listApiTokens,
  login,
  logout,
  meOf,
  revokeApiToken,
} from './auth.service.js';

export const authDepsOf = (ctx: AppContext): AuthDeps => ({
  db: ctx.db,
  clock: ctx.clock,
  secret: ctx.config.sessionSecret,
  sessionTtlHours: ctx.config.sessionTtlHours,
});

const isSecure = (ctx: AppContext, request: FastifyRequest) =>
  ctx.config.cookieSecure === 'auto' ? request.protocol === 'https' : ctx.config.cookieSecure === 'true';

const setSessionCookie = (ctx: AppContext, request: FastifyRequest, reply: FastifyReply, token: string) =>
  reply.setCookie(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecure(ctx, request),
    path: '/',
    maxAge: Math.round(ctx.config.sessionTtlHours * 3600),
  });

export const authRoutes = (ctx: AppContext) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];

  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Log in; sets the session cookie',
        security: [],
        body: ZLoginInput,
        response: { 200: ZSessionReply },
      },
    },
    async (req, reply) => {
      const result = await login(
        { ...req.body, ip: req.ip, userAgent: req.headers['user-agent'] },
        authDepsOf(ctx),
      );
      setSessionCookie(ctx, req, reply, result.sessionToken);
      return { user: result.me, csrfToken: result.csrfToken };
    },
  );

  app.post('/api/v1/auth/logout', { schema: { tags } }, async (req, reply) => {
    const auth = authOf(req);
    if (auth.session) await logout({ sessionId: auth.session.id }, authDepsOf(ctx));
    reply.clearCookie(sessionCookieName, { path: '/' });
    return reply.status(204).send();
  });

  app.get(
    '/api/v1/auth/session',
    { schema: { tags, summary: 'The current user and CSRF token', response: { 200: ZSessionReply } } },
    async (req) => {
      const auth = authOf(req);
      const account = await findAccount({ userId: auth.userId }, { db: ctx.db });
      if (!account) throw new AppError('auth.unauthenticated');
      return { user: meOf(account), csrfToken: auth.session?.csrfToken ?? '' };
    },
  );

  app.patch(
    '/api/v1/auth/me',
    { schema: { tags, body: ZUpdateMeInput, response: { 200: ZMe } } },
    async (req) => {
      const auth = authOf(req);
      await updateOwnProfile({ userId: auth.userId, patch: req.body }, depsOf(ctx, req));
      const account = await findAccount({ userId: auth.userId }, { db: ctx.db });
      if (!account) throw new AppError('auth.unauthenticated');
      return meOf(account);
    },
  );

  app.post('/api/v1/auth/password', { schema: { tags, body: ZChangePasswordInput } }, async (req, reply) => {
    const auth = authOf(req);
    await changePassword(
      { ...req.body, userId: auth.userId, sessionId: auth.session?.id },
      { ...authDepsOf(ctx), actor: auth.actor },
    );
    return reply.status(204).send();
  });

  app.get(
    '/api/v1/auth/tokens',
    { schema: { tags, response: { 200: z.object({ items: z.array(ZApiToken) }) } } },
    async (req) => ({
      items: await listApiTokens({ userId: authOf(req).userId }, authDepsOf(ctx)),
    }),
  );

  app.post(
    '/api/v1/auth/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token; the secret is shown once',
        body: ZCreateApiTokenInput,
        response: { 201: z.object({ token: ZApiToken, secret: z.string() }) },
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      return reply
        .status(201)
        .send(
          await createApiToken(
            { ...req.body, userId: auth.userId },
            { ...authDepsOf(ctx), actor: auth.actor },
          ),
        );
    },
  );

  app.delete('/api/v1/auth/tokens/:id', { schema: { tags, params: ZIdParams } }, async (req, reply) => {
    const auth = authOf(req);
    await revokeApiToken(
      { tokenId: req.params.id, userId: auth.userId },
      { ...authDepsOf(ctx), actor: auth.actor },
    );
    return reply.status(204).send();
  });
};
