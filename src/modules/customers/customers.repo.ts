import { sql } from 'kysely';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ScopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { containsText } from '../../platform/db/search.js';
import { unitCondition, unitIdsUnder } from '../org/scope.js';
import type { UnitFilter } from '../org/scope.js';
import type { CustomerTable } from './customers.tables.js';

/** A customer with its unit's name and whether the caller may see its contact data (1) or not (0). */
export type CustomerRow = Selectable<CustomerTable> & { unitName: string; contactVisible: number };

/** The readable customers, each flagged with whether it lies inside the contact scope. */
const selectCustomers = (db: Executor, contactRoots: ScopeRoots) =>
  db
    .selectFrom('customers')
    .innerJoin('units', 'units.id', 'customers.unitId')
    .selectAll('customers')
    .select('units.name as unitName')
    .select((eb) =>
      contactRoots === 'all'
        ? sql<number>`1`.as('contactVisible')
        : eb
            .case()
            .when('customers.unitId', 'in', unitIdsUnder(eb, contactRoots))
            .then(1)
            .else(0)
            .end()
            .as('contactVisible'),
    );

export type CustomersFilter = UnitFilter & {
  contactRoots: ScopeRoots;
  q?: string | undefined;
  /** `q` reduced to digits and +, matched against whole phone numbers; absent when too short. */
  phone?: string | undefined;
  tag?: string | undefined;
};

/** A phone column without the separators the input schema allows (space and -). */
const compactPhone = (column: 'customers.phone' | 'customers.phone2') =>
  sql<string>`replace(replace(${sql.ref(column)}, ' ', ''), '-', '')`;

export const listCustomers = async (
  db: Executor,
  filter: CustomersFilter,
  page: { limit: number; offset: number },
): Promise<{ items: CustomerRow[]; total: number }> => {
  let query = selectCustomers(db, filter.contactRoots);
  query = query.where(unitCondition('customers.unitId', filter));
  if (filter.q) {
    const q = filter.q;
    const phone = filter.phone;
    query = query.where((eb) =>
      eb.or([
        containsText('customers.name', q),
        containsText('customers.externalKey', q),
        // Whole numbers only: a partial match would let a masked caller probe the hidden digits.
        ...(phone
          ? [
              eb(compactPhone('customers.phone'), '=', phone),
              eb(compactPhone('customers.phone2'), '=', phone),
            ]
          : []),
      ]),
    );
  }
  if (filter.tag) query = query.where('customers.tagsJson', 'like', `%"${filter.tag}"%`);
  const [items, total] = await Promise.all([
    query
      .orderBy('customers.unitId')
      .orderBy('customers.name')
      .orderBy('customers.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(normalise), total: Number(total.n) };
};

const normalise = <T extends { contactVisible: unknown }>(row: T): T & { contactVisible: number } => ({
  ...row,
  contactVisible: Number(row.contactVisible),
});

export const findCustomer = async (
  db: Executor,
  id: number,
  roots: ScopeRoots,
  contactRoots: ScopeRoots,
): Promise<CustomerRow | undefined> => {
  let query = selectCustomers(db, contactRoots).where('customers.id', '=', id);
  if (roots !== 'all') query = query.where('customers.unitId', 'in', (eb) => unitIdsUnder(eb, roots));
  const row = await query.executeTakeFirst();
  return row && normalise(row);
};

export const findCustomerByExternalKey = (db: Executor, externalKey: string) =>
  db.selectFrom('customers').select('id').where('externalKey', '=', externalKey).executeTakeFirst();

export const insertCustomer = async (db: Executor, values: Insertable<CustomerTable>) =>
  (await db.insertInto('customers').values(values).returning('id').executeTakeFirstOrThrow()).id;

export const updateCustomer = (db: Executor, id: number, values: Updateable<CustomerTable>) =>
  db.updateTable('customers').set(values).where('id', '=', id).execute();

export const deleteCustomer = (db: Executor, id: number) =>
  db.deleteFrom('customers').where('id', '=', id).execute();
