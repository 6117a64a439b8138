import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ScopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { containsText } from '../../platform/db/search.js';
import type { PersonTable } from './org.tables.js';
import { unitCondition, unitIdsUnder } from './scope.js';
import type { UnitFilter } from './scope.js';

export type PersonRow = Selectable<PersonTable> & { unitName: string };

const selectPeople = (db: Executor) =>
  db
    .selectFrom('people')
    .innerJoin('units', 'units.id', 'people.unitId')
    .selectAll('people')
    .select('units.name as unitName');

export type PeopleFilter = UnitFilter & { q?: string | undefined };

export const listPeople = async (
  db: Executor,
  filter: PeopleFilter,
  page: { limit: number; offset: number },
): Promise<{ items: PersonRow[]; total: number }> => {
  let query = selectPeople(db);
  query = query.where(unitCondition('people.unitId', filter));
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) =>
      eb.or([
        containsText('people.name', q),
        containsText('people.employeeNo', q),
        containsText('people.position', q),
        containsText('people.phone', q),
      ]),
    );
  }
  const [items, total] = await Promise.all([
    query
      .orderBy('people.unitId')
      .orderBy('people.name')
      .orderBy('people.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
};

export const findPerson = (db: Executor, id: number, roots: ScopeRoots): Promise<PersonRow | undefined> => {
  let query = selectPeople(db).where('people.id', '=', id);
  if (roots !== 'all') query = query.where('people.unitId', 'in', (eb) => unitIdsUnder(eb, roots));
  return query.executeTakeFirst();
};

export const findPersonByEmployeeNo = (db: Executor, employeeNo: string) =>
  db.selectFrom('people').select('id').where('employeeNo', '=', employeeNo).executeTakeFirst();

export const insertPerson = async (db: Executor, values: Insertable<PersonTable>) =>
  (await db.insertInto('people').values(values).returning('id').executeTakeFirstOrThrow()).id;

export const updatePerson = (db: Executor, id: number, values: Updateable<PersonTable>) =>
  db.updateTable('people').set(values).where('id', '=', id).execute();

export const deletePerson = (db: Executor, id: number) =>
  db.deleteFrom('people').where('id', '=', id).execute();
