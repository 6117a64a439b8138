import { z } from 'zod';
import { permissions, roles } from '../../platform/access.js';
import { ZPassword } from '../org/org.schema.js';

export const ZLoginInput = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
});
export type LoginInput = z.infer<typeof ZLoginInput>;

export const ZMe = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    locale: z.enum(['zh-CN', 'en']),
    personId: z.number().int().nullable(),
    roles: z.array(z.enum(roles)),
    grants: z.array(z.object({ role: z.enum(roles), unitId: z.number().int(), unitName: z.string() })),
    permissions: z.array(z.enum(permissions)),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof ZMe>;

export const ZSessionReply = z.object({ user: ZMe, csrfToken: z.string() });

export const ZChangePasswordInput = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: ZPassword })
  .strict();
export type ChangePasswordInput = z.infer<typeof ZChangePasswordInput>;

export const ZUpdateMeInput = z
  .object({ locale: z.enum(['zh-CN', 'en']), displayName: z.string().trim().min(1).max(100) })
  .partial()
  .strict();

export const ZApiToken = z
  .object({
    id: z.number().int(),
    name: z.string(),
    tokenPrefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof ZApiToken>;

export const ZCreateApiTokenInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type CreateApiTokenInput = z.infer<typeof ZCreateApiTokenInput>;
