import type { Actor, Grant, Role } from '../../src/platform/access.js';
import { systemActor } from '../../src/platform/access.js';
import type { Clock } from '../../src/platform/clock.js';
import { systemClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db/database.js';
import type { CreatePersonInput, CreateUnitInput, UnitKind } from '../../src/modules/org/org.schema.js';
import { createPerson } from '../../src/modules/org/people.service.js';
import { createUnit } from '../../src/modules/org/units.service.js';
import { createUser } from '../../src/modules/org/users.service.js';

let sequence = 0;
const next = () => `${process.pid}-${++sequence}`;

export const testPassword = 'correct horse battery';

export const systemDeps = (db: Db, clock: Clock = systemClock) => ({ db, clock, actor: systemActor('test') });

/** A unit with unique code; overrides as in Outline's factories. */
export const buildUnit = (db: Db, overrides: Partial<CreateUnitInput> & { kind?: UnitKind } = {}) =>
  createUnit(
    { parentId: null, code: `U-${next()}`, name: `单元 ${sequence}`, kind: 'company', ...overrides },
    systemDeps(db),
  );

export const buildPerson = (db: Db, overrides: Partial<CreatePersonInput> & { unitId: number }) =>
  createPerson({ name: `员工 ${next()}`, ...overrides }, systemDeps(db));

/** A user with the given grants and the returned actor as the services would see him. */
export const buildUser = async (
  db: Db,
  grants: Grant[],
  overrides: { username?: string; personId?: number; clock?: Clock } = {},
) => {
  const user = await createUser(
    {
      username: overrides.username ?? `user-${next()}`,
      displayName: `用户 ${sequence}`,
      password: testPassword,
      grants,
      personId: overrides.personId ?? null,
    },
    systemDeps(db, overrides.clock),
  );
  const actor: Actor = { kind: 'user', userId: user.id, name: user.displayName, grants };
  return { user, actor };
};

export const grant = (role: Role, unitId: number): Grant => ({ role, unitId });

/**
 * A small organisation: company → two branches → two grids each, with one person per grid.
 * Every test file builds its own, so codes never clash between files.
 */
export const buildOrgTree = async (db: Db) => {
  const company = await buildUnit(db, { kind: 'company' });
  const east = await buildUnit(db, { parentId: company.id, kind: 'branch', name: '城东' });
  const west = await buildUnit(db, { parentId: company.id, kind: 'branch', name: '城西' });
  const eastGrid1 = await buildUnit(db, { parentId: east.id, kind: 'grid', name: '东一网格' });
  const eastGrid2 = await buildUnit(db, { parentId: east.id, kind: 'grid', name: '东二网格' });
  const westGrid1 = await buildUnit(db, { parentId: west.id, kind: 'grid', name: '西一网格' });
  const people = {
    eastGrid1: await buildPerson(db, { unitId: eastGrid1.id, name: '张伟' }),
    eastGrid2: await buildPerson(db, { unitId: eastGrid2.id, name: '陈静' }),
    westGrid1: await buildPerson(db, { unitId: westGrid1.id, name: '周婷' }),
  };
  return { company, east, west, eastGrid1, eastGrid2, westGrid1, people };
};
