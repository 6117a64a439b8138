import type { Executor } from '../../platform/db/database.js';
import type { ScopeRoots } from '../../platform/access.js';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import { canAccessUnit } from '../org/units.service.js';
import * as customersRepo from './customers.repo.js';
import type { CustomerRow } from './customers.repo.js';
import type {
  Contact,
  CreateCustomerInput,
  Customer,
  CustomerTag,
  ListCustomersQuery,
  UpdateCustomerInput,
} from './customers.schema.js';
import { customerTags } from './customers.schema.js';
import { maskPhone, normalisePhone } from './mask.js';

const parseTags = (json: string): CustomerTag[] => {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed)
    ? customerTags.filter((tag) => parsed.includes(tag)) // known tags, in the list's order
    : [];
};
const tagsJson = (tags: readonly CustomerTag[]) =>
  JSON.stringify(customerTags.filter((t) => tags.includes(t)));

/**
 * The reply form of a row. Phones are masked unless `showContact`: the caller holds
 * customers.contact on the customer's unit (the row's `contactVisible`).
 */
export const toCustomer = (row: CustomerRow, showContact = row.contactVisible === 1): Customer => {
  const shown = (phone: string | null) => (phone === null || showContact ? phone : maskPhone(phone));
  return {
    id: row.id,
    unitId: row.unitId,
    unitName: row.unitName,
    externalKey: row.externalKey,
    name: row.name,
    kind: row.kind as Customer['kind'],
    phone: shown(row.phone),
    phone2: shown(row.phone2),
    contactMasked: !showContact,
    address: row.address,
    building: row.building,
    room: row.room,
    tags: parseTags(row.tagsJson),
    notes: row.notes,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
};

/** The audit trail is read by auditors without customers.contact: it never holds full numbers. */
const forAudit = (row: CustomerRow) => {
  const { contactMasked: _masked, ...customer } = toCustomer(row, false);
  return customer;
};

/** The unit scope in which the actor sees full contact data; empty when nowhere. */
const contactRootsOf = (actor: Deps['actor']): ScopeRoots => scopeRoots(actor, 'customers.contact');

/** Phone search needs a whole number: at least 5 digits once separators are dropped. */
const phoneQuery = (q: string | undefined) => {
  const digits = q ? normalisePhone(q) : '';
  return digits.replace(/\D/g, '').length >= 5 ? digits : undefined;
};

export const listCustomers = async (query: ListCustomersQuery, { db, actor }: Pick<Deps, 'db' | 'actor'>) => {
  const roots = requirePermission(actor, 'customers.read');
  const { items, total } = await customersRepo.listCustomers(
    db,
    {
      roots,
      contactRoots: contactRootsOf(actor),
      unitId: query.unitId,
      subtree: query.subtree,
      q: query.q,
      phone: phoneQuery(query.q),
      tag: query.tag,
    },
    { limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  return { items: items.map((row) => toCustomer(row)), total, page: query.page, pageSize: query.pageSize };
};

export const getCustomer = async (
  { customerId }: { customerId: number },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<Customer> => {
  const roots = requirePermission(actor, 'customers.read');
  const row = await customersRepo.findCustomer(db, customerId, roots, contactRootsOf(actor));
  if (!row) throw new AppError('customers.not_found', { customerId });
  return toCustomer(row);
};

/**
 * The full phone numbers of a customer the caller may read, recorded in the audit log
 * (action customer.reveal_contact) in the same transaction: reading them is an act.
 */
export const revealCustomerContact = async (
  { customerId }: { customerId: number },
  { db, clock, actor }: Deps,
): Promise<Contact> => {
  const roots = requirePermission(actor, 'customers.read');
  return db.transaction().execute(async (tx) => {
    const row = await customersRepo.findCustomer(tx, customerId, roots, 'all');
    if (!row) throw new AppError('customers.not_found', { customerId });
    await recordAudit(
      tx,
      {
        action: 'customer.reveal_contact',
        entity: 'customer',
        entityId: customerId,
        unitId: row.unitId,
        after: { fields: ['phone', 'phone2'].filter((f) => row[f as 'phone' | 'phone2'] !== null) },
      },
      { actor, clock },
    );
    return { id: row.id, phone: row.phone, phone2: row.phone2 };
  });
};

const requireUnitInWriteScope = async (deps: Pick<Deps, 'db' | 'actor'>, unitId: number) => {
  if (!(await canAccessUnit({ unitId, permission: 'customers.write' }, deps)))
    throw new AppError('org.unit_not_found', { unitId });
};

const requireFreeExternalKey = async (
  db: Deps['db'],
  externalKey: string | null | undefined,
  exceptId?: number,
) => {
  if (!externalKey) return;
  const existing = await customersRepo.findCustomerByExternalKey(db, externalKey);
  if (existing && existing.id !== exceptId)
    throw new AppError('customers.external_key_taken', { externalKey });
};

export const createCustomer = async (
  input: CreateCustomerInput,
  { db, clock, actor }: Deps,
): Promise<Customer> => {
  requirePermission(actor, 'customers.write');
  const contactRoots = contactRootsOf(actor);
  return db.transaction().execute(async (tx) => {
    await requireUnitInWriteScope({ db: tx, actor }, input.unitId);
    await requireFreeExternalKey(tx, input.externalKey);
    const now = clock.now().toISOString();
    const id = await customersRepo.insertCustomer(tx, {
      unitId: input.unitId,
      externalKey: input.externalKey ?? null,
      name: input.name,
      kind: input.kind ?? 'person',
      phone: input.phone || null,
      phone2: input.phone2 || null,
      address: input.address ?? null,
      building: input.building ?? null,
      room: input.room ?? null,
      tagsJson: tagsJson(input.tags ?? []),
      notes: input.notes ?? null,
      createdAt: now,
      updatedAt: now,
    });
    const row = (await customersRepo.findCustomer(tx, id, 'all', contactRoots)) as CustomerRow;
    await recordAudit(
      tx,
      {
        action: 'customer.create',
        entity: 'customer',
        entityId: id,
        unitId: row.unitId,
        after: forAudit(row),
      },
      { actor, clock },
    );
    return toCustomer(row);
  });
};

/** Changes a customer; moving it to another unit needs customers.write on both units. */
export const updateCustomer = async (
  { customerId, patch }: { customerId: number; patch: UpdateCustomerInput },
  { db, clock, actor }: Deps,
): Promise<Customer> => {
  const roots = requirePermission(actor, 'customers.write');
  const contactRoots = contactRootsOf(actor);
  return db.transaction().execute(async (tx) => {
    const current = await customersRepo.findCustomer(tx, customerId, roots, contactRoots);
    if (!current) throw new AppError('customers.not_found', { customerId });
    if (patch.unitId !== undefined && patch.unitId !== current.unitId)
      await requireUnitInWriteScope({ db: tx, actor }, patch.unitId);
    if (patch.externalKey !== undefined) await requireFreeExternalKey(tx, patch.externalKey, customerId);
    const { tags, phone, phone2, ...fields } = patch;
    await customersRepo.updateCustomer(tx, customerId, {
      ...fields,
      ...(phone !== undefined ? { phone: phone || null } : {}),
      ...(phone2 !== undefined ? { phone2: phone2 || null } : {}),
      ...(tags !== undefined ? { tagsJson: tagsJson(tags) } : {}),
      updatedAt: clock.now().toISOString(),
    });
    const row = (await customersRepo.findCustomer(tx, customerId, 'all', contactRoots)) as CustomerRow;
    await recordAudit(
      tx,
      {
        action: 'customer.update',
        entity: 'customer',
        entityId: customerId,
        unitId: row.unitId,
        before: forAudit(current),
        after: forAudit(row),
      },
      { actor, clock },
    );
    return toCustomer(row);
  });
};

export const deleteCustomer = async (
  { customerId }: { customerId: number },
  { db, clock, actor }: Deps,
): Promise<void> => {
  const roots = requirePermission(actor, 'customers.write');
  await db.transaction().execute(async (tx) => {
    const current = await customersRepo.findCustomer(tx, customerId, roots, 'all');
    if (!current) throw new AppError('customers.not_found', { customerId });
    await recordAudit(
      tx,
      {
        action: 'customer.delete',
        entity: 'customer',
        entityId: customerId,
        unitId: current.unitId,
        before: forAudit(current),
      },
      { actor, clock },
    );
    await customersRepo.deleteCustomer(tx, customerId);
  });
};

/** Customer names by id (no contact data), for other modules' lists of things about customers. */
export const customerNames = async (
  { customerIds }: { customerIds: readonly number[] },
  { db }: { db: Executor },
): Promise<Map<number, string>> => {
  if (customerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(customerIds)])
    .execute();
  return new Map(rows.map((c) => [c.id, c.name]));
};
