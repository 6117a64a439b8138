import type { Actor } from '../../platform/access.js';
import { scopeRoots } from '../../platform/access.js';
import type { Executor } from '../../platform/db/database.js';
import { isUnitInScope } from '../org/units.service.js';
import type { CaseRow, Visibility } from './cases.repo.js';
import type { Role } from './lifecycle.js';

/* Who sees a case and what he is to it: the two questions every case operation asks first. */

export const visibilityOf = (actor: Actor): Visibility => ({
  roots: scopeRoots(actor, 'cases.read'),
  userId: actor.userId,
});

/** The caller's relations to a case, which decide what he may do (lifecycle.ts). */
export const rolesOn = async (db: Executor, row: CaseRow, actor: Actor): Promise<Role[]> => {
  if (actor.kind === 'system') return ['dispatcher', 'assignee', 'handler'];
  const roles: Role[] = [];
  if (await isUnitInScope({ unitId: row.unitId, roots: scopeRoots(actor, 'cases.dispatch') }, { db }))
    roles.push('dispatcher');
  if (row.assigneeUserId === actor.userId) roles.push('assignee');
  if (
    row.registrantUserId === actor.userId ||
    (await isUnitInScope({ unitId: row.unitId, roots: scopeRoots(actor, 'cases.write') }, { db }))
  )
    roles.push('handler');
  return roles;
};
