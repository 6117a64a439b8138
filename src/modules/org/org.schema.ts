import { z } from 'zod';
import { roles } from '../../platform/access.js';

export const unitKinds = ['company', 'branch', 'department', 'grid', 'area', 'team', 'site'] as const;
export const ZUnitKind = z.enum(unitKinds);
export type UnitKind = z.infer<typeof ZUnitKind>;

export const ZId = z.coerce.number().int().positive();
export const ZIdParams = z.object({ id: ZId });

const ZCode = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash or underscore');
const ZName = z.string().trim().min(1).max(100);
const ZOptionalText = (max: number) => z.string().trim().max(max).nullish();

export const ZUnit = z
  .object({
    id: z.number().int(),
    parentId: z.number().int().nullable(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    kind: ZUnitKind,
    sortOrder: z.number().int(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Unit' });
export type Unit = z.infer<typeof ZUnit>;

export const ZCreateUnitInput = z.object({
  parentId: z.number().int().positive().nullable(),
  code: ZCode,
  name: ZName,
  nameEn: ZOptionalText(100),
  kind: ZUnitKind,
  sortOrder: z.number().int().min(0).max(1_000_000).default(0),
});
export type CreateUnitInput = z.input<typeof ZCreateUnitInput>;

export const ZUpdateUnitInput = z
  .object({
    parentId: z.number().int().positive(),
    code: ZCode,
    name: ZName,
    nameEn: ZOptionalText(100),
    kind: ZUnitKind,
    sortOrder: z.number().int().min(0).max(1_000_000),
    active: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateUnitInput = z.infer<typeof ZUpdateUnitInput>;

const ZPhone = z
  .string()
  .trim()
  .max(32)
  .regex(/^[0-9+\-() ]*$/, 'digits, spaces, + - ( ) only')
  .nullish();

export const ZPerson = z
  .object({
    id: z.number().int(),
    unitId: z.number().int(),
    unitName: z.string(),
    employeeNo: z.string().nullable(),
    name: z.string(),
    level: z.string().nullable(),
    position: z.string().nullable(),
    region: z.string().nullable(),
    city: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Person' });
export type Person = z.infer<typeof ZPerson>;

const personFields = {
  unitId: z.number().int().positive(),
  name: ZName,
  employeeNo: z.string().trim().min(1).max(32).nullish(),
  level: ZOptionalText(50),
  position: ZOptionalText(50),
  region: ZOptionalText(50),
  city: ZOptionalText(50),
  phone: ZPhone,
  email: z.email().max(200).nullish(),
};
export const ZCreatePersonInput = z.object(personFields).strict();
export type CreatePersonInput = z.infer<typeof ZCreatePersonInput>;
export const ZUpdatePersonInput = z
  .object({ ...personFields, active: z.boolean() })
  .partial()
  .strict();
export type UpdatePersonInput = z.infer<typeof ZUpdatePersonInput>;

const ZBooleanQuery = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ZPage = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

export const ZListPeopleQuery = z.object({
  unitId: ZId.optional(),
  subtree: ZBooleanQuery.default(true),
  q: z.string().trim().max(100).optional(),
  ...ZPage,
});
export type ListPeopleQuery = z.infer<typeof ZListPeopleQuery>;

export const ZPaged = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });

export const ZRole = z.enum(roles);
export const ZGrantInput = z.object({ role: ZRole, unitId: z.number().int().positive() });
export const ZGrant = z.object({ role: ZRole, unitId: z.number().int(), unitName: z.string() });

export const ZUser = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    personId: z.number().int().nullable(),
    locale: z.enum(['zh-CN', 'en']),
    active: z.boolean(),
    grants: z.array(ZGrant),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof ZUser>;

export const ZUsername = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'letters, digits, . _ @ - only');
export const ZPassword = z.string().min(10).max(200);

export const ZCreateUserInput = z
  .object({
    username: ZUsername,
    displayName: ZName,
    password: ZPassword,
    personId: z.number().int().positive().nullish(),
    locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
    grants: z.array(ZGrantInput).max(50).default([]),
  })
  .strict();
export type CreateUserInput = z.input<typeof ZCreateUserInput>;

export const ZUpdateUserInput = z
  .object({
    displayName: ZName,
    personId: z.number().int().positive().nullable(),
    active: z.boolean(),
    locale: z.enum(['zh-CN', 'en']),
    grants: z.array(ZGrantInput).max(50),
  })
  .partial()
  .strict();
export type UpdateUserInput = z.infer<typeof ZUpdateUserInput>;

export const ZListUsersQuery = z.object({ q: z.string().trim().max(100).optional(), ...ZPage });
export type ListUsersQuery = z.infer<typeof ZListUsersQuery>;

export const ZResetPasswordInput = z.object({ password: ZPassword }).strict();
