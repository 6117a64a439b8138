import { requirePermission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { CreatePersonInput, ListPeopleQuery, Person, UpdatePersonInput } from './org.schema.js';
import * as peopleRepo from './people.repo.js';
import type { PersonRow } from './people.repo.js';
import * as unitsRepo from './units.repo.js';

export const toPerson = (row: PersonRow): Person => ({
  id: row.id,
  unitId: row.unitId,
  unitName: row.unitName,
  employeeNo: row.employeeNo,
  name: row.name,
  level: row.level,
  position: row.position,
  region: row.region,
  city: row.city,
  phone: row.phone,
  email: row.email,
  active: row.active === 1,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export const listPeople = async (query: ListPeopleQuery, { db, actor }: Pick<Deps, 'db' | 'actor'>) => {
  const roots = requirePermission(actor, 'org.read');
  const { items, total } = await peopleRepo.listPeople(
    db,
    { roots, unitId: query.unitId, subtree: query.subtree, q: query.q },
    { limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  return { items: items.map(toPerson), total, page: query.page, pageSize: query.pageSize };
};

export const getPerson = async (
  { personId }: { personId: number },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
) => {
  const row = await peopleRepo.findPerson(db, personId, requirePermission(actor, 'org.read'));
  if (!row) throw new AppError('org.person_not_found', { personId });
  return toPerson(row);
};

const requireUnitInWriteScope = async (
  db: Deps['db'],
  unitId: number,
  roots: ReturnType<typeof requirePermission>,
) => {
  if (!(await unitsRepo.findUnit(db, unitId, roots))) throw new AppError('org.unit_not_found', { unitId });
};

const requireFreeEmployeeNo = async (
  db: Deps['db'],
  employeeNo: string | null | undefined,
  exceptId?: number,
) => {
  if (!employeeNo) return;
  const existing = await peopleRepo.findPersonByEmployeeNo(db, employeeNo);
  if (existing && existing.id !== exceptId) throw new AppError('org.employee_no_taken', { employeeNo });
};

export const createPerson = async (input: CreatePersonInput, { db, clock, actor }: Deps): Promise<Person> => {
  const roots = requirePermission(actor, 'org.write');
  return db.transaction().execute(async (tx) => {
    await requireUnitInWriteScope(tx, input.unitId, roots);
    await requireFreeEmployeeNo(tx, input.employeeNo);
    const now = clock.now().toISOString();
    const id = await peopleRepo.insertPerson(tx, {
      unitId: input.unitId,
      name: input.name,
      employeeNo: input.employeeNo ?? null,
      level: input.level ?? null,
      position: input.position ?? null,
      region: input.region ?? null,
      city: input.city ?? null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      active: 1,
      createdAt: now,
      updatedAt: now,
    });
    const person = toPerson((await peopleRepo.findPerson(tx, id, 'all')) as PersonRow);
    await recordAudit(
      tx,
      { action: 'person.create', entity: 'person', entityId: id, unitId: person.unitId, after: person },
      { actor, clock },
    );
    return person;
  });
};

/** Changes a person; moving him to another unit needs write access to both units. */
export const updatePerson = async (
  { personId, patch }: { personId: number; patch: UpdatePersonInput },
  { db, clock, actor }: Deps,
): Promise<Person> => {
  const roots = requirePermission(actor, 'org.write');
  return db.transaction().execute(async (tx) => {
    const current = await peopleRepo.findPerson(tx, personId, roots);
    if (!current) throw new AppError('org.person_not_found', { personId });
    if (patch.unitId !== undefined && patch.unitId !== current.unitId)
      await requireUnitInWriteScope(tx, patch.unitId, roots);
    if (patch.employeeNo !== undefined) await requireFreeEmployeeNo(tx, patch.employeeNo, personId);
    const { active, ...fields } = patch;
    await peopleRepo.updatePerson(tx, personId, {
      ...fields,
      ...(active !== undefined ? { active: active ? 1 : 0 } : {}),
      updatedAt: clock.now().toISOString(),
    });
    const person = toPerson((await peopleRepo.findPerson(tx, personId, 'all')) as PersonRow);
    await recordAudit(
      tx,
      {
        action: 'person.update',
        entity: 'person',
        entityId: personId,
        unitId: person.unitId,
        before: toPerson(current),
        after: person,
      },
      { actor, clock },
    );
    return person;
  });
};

export const deletePerson = async (
  { personId }: { personId: number },
  { db, clock, actor }: Deps,
): Promise<void> => {
  const roots = requirePermission(actor, 'org.write');
  await db.transaction().execute(async (tx) => {
    const current = await peopleRepo.findPerson(tx, personId, roots);
    if (!current) throw new AppError('org.person_not_found', { personId });
    await recordAudit(
      tx,
      {
        action: 'person.delete',
        entity: 'person',
        entityId: personId,
        unitId: current.unitId,
        before: toPerson(current),
      },
      { actor, clock },
    );
    await peopleRepo.deletePerson(tx, personId);
  });
};
