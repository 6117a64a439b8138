import { z } from 'zod';
import { ZId, ZPage } from '../org/org.schema.js';

export const customerKinds = ['person', 'household', 'company'] as const;
export const ZCustomerKind = z.enum(customerKinds);

/** The fixed tag list; the UI shows them as 重点客户, VIP, 敏感客户, 老年人. */
export const customerTags = ['key', 'vip', 'sensitive', 'elderly'] as const;
export const ZCustomerTag = z.enum(customerTags);
export type CustomerTag = z.infer<typeof ZCustomerTag>;

const ZName = z.string().trim().min(1).max(100);
const ZOptionalText = (max: number) => z.string().trim().max(max).nullish();
const ZPhone = z
  .string()
  .trim()
  .max(32)
  .regex(/^[0-9+\- ]*$/, 'digits, spaces, + and - only')
  .nullish();

export const ZCustomer = z
  .object({
    id: z.number().int(),
    unitId: z.number().int(),
    unitName: z.string(),
    externalKey: z.string().nullable(),
    name: z.string(),
    kind: ZCustomerKind,
    /** Masked (138****1234) unless the caller holds customers.contact on the customer's unit. */
    phone: z.string().nullable(),
    phone2: z.string().nullable(),
    /** Whether phone and phone2 are masked in this reply. */
    contactMasked: z.boolean(),
    address: z.string().nullable(),
    building: z.string().nullable(),
    room: z.string().nullable(),
    tags: z.array(ZCustomerTag),
    notes: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' });
export type Customer = z.infer<typeof ZCustomer>;

const customerFields = {
  unitId: z.number().int().positive(),
  externalKey: z.string().trim().min(1).max(64).nullish(),
  name: ZName,
  kind: ZCustomerKind,
  phone: ZPhone,
  phone2: ZPhone,
  address: ZOptionalText(200),
  building: ZOptionalText(50),
  room: ZOptionalText(50),
  tags: z.array(ZCustomerTag).max(customerTags.length),
  notes: ZOptionalText(2000),
};
export const ZCreateCustomerInput = z
  .object({
    ...customerFields,
    kind: customerFields.kind.default('person'),
    tags: customerFields.tags.default([]),
  })
  .strict();
export type CreateCustomerInput = z.input<typeof ZCreateCustomerInput>;
export const ZUpdateCustomerInput = z.object(customerFields).partial().strict();
export type UpdateCustomerInput = z.infer<typeof ZUpdateCustomerInput>;

const ZBooleanQuery = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ZListCustomersQuery = z.object({
  unitId: ZId.optional(),
  subtree: ZBooleanQuery.default(true),
  /** Part of the name or external key, or a whole phone number (separators ignored). */
  q: z.string().trim().max(100).optional(),
  tag: ZCustomerTag.optional(),
  ...ZPage,
});
export type ListCustomersQuery = z.infer<typeof ZListCustomersQuery>;

export const ZContact = z
  .object({ id: z.number().int(), phone: z.string().nullable(), phone2: z.string().nullable() })
  .meta({ id: 'CustomerContact' });
export type Contact = z.infer<typeof ZContact>;
