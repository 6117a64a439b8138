import { expect, it, onTestFinished } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import {
  buildOrgTree,
  buildPerson,
  buildUnit,
  buildUser,
  grant,
  systemDeps,
} from '../../../test/helpers/factories.js';
import { systemClock } from '../../platform/clock.js';
import { createDatabase } from '../../platform/db/database.js';
import type { Actor } from '../../platform/access.js';
import { listAuditEvents } from '../audit/audit.service.js';
import { createCustomer } from '../customers/customers.service.js';
import { createPerson, getPerson, listPeople, updatePerson } from './people.service.js';
import { createUnit, deleteUnit, getUnit, listUnits, updateUnit } from './units.service.js';
import { createUser, listUsers, updateUser } from './users.service.js';

const page = { page: 1, pageSize: 100, subtree: true } as const;

describeEachDialect('org service', (ctx) => {
  const depsAs = (actor: Actor) => ({ db: ctx().db, clock: systemClock, actor });

  it('lists a subtree through the closure table, and nothing outside a grant', async () => {
    const { db } = ctx();
    const org = await buildOrgTree(db);
    const { actor: eastManager } = await buildUser(db, [grant('manager', org.east.id)]);
    const visible = (await listUnits(depsAs(eastManager))).map((u) => u.id).sort();
    expect(visible).toEqual([org.east.id, org.eastGrid1.id, org.eastGrid2.id].sort());

    const people = await listPeople({ ...page }, depsAs(eastManager));
    expect(people.items.map((p) => p.name).sort()).toEqual(['张伟', '陈静'].sort());
    const onlyGrid2 = await listPeople({ ...page, unitId: org.eastGrid2.id }, depsAs(eastManager));
    expect(onlyGrid2.items.map((p) => p.id)).toEqual([org.people.eastGrid2.id]);
  });

  it('a user scoped to one grid cannot list, read or change another grid’s people', async () => {
    const { db } = ctx();
    const org = await buildOrgTree(db);
    const { actor: gridManager } = await buildUser(db, [grant('manager', org.eastGrid1.id)]);
    const deps = depsAs(gridManager);

    const listed = await listPeople({ ...page }, deps);
    expect(listed.items.map((p) => p.id)).toEqual([org.people.eastGrid1.id]);
    // Filtering on the other grid does not widen the scope: the list is empty, not the other grid.
    const other = await listPeople({ ...page, unitId: org.eastGrid2.id }, deps);
    expect(other.items).toEqual([]);
    expect(other.total).toBe(0);

    await expect(getPerson({ personId: org.people.eastGrid2.id }, deps)).rejects.toMatchObject({
      code: 'org.person_not_found',
    });
    await expect(getUnit({ unitId: org.eastGrid2.id }, deps)).rejects.toMatchObject({
      code: 'org.unit_not_found',
    });
    await expect(
      updatePerson({ personId: org.people.eastGrid2.id, patch: { name: '改名' } }, deps),
    ).rejects.toMatchObject({ code: 'org.person_not_found' });
    await expect(createPerson({ unitId: org.eastGrid2.id, name: '新人' }, deps)).rejects.toMatchObject({
      code: 'org.unit_not_found',
    });
    // Nor move his own person out of his scope.
    await expect(
      updatePerson({ personId: org.people.eastGrid1.id, patch: { unitId: org.eastGrid2.id } }, deps),
    ).rejects.toMatchObject({ code: 'org.unit_not_found' });
    expect((await getPerson({ personId: org.people.eastGrid2.id }, systemDeps(db))).name).toBe('陈静');
  });

  it('refuses writes to read-only roles with auth.forbidden', async () => {
    const { db } = ctx();
    const org = await buildOrgTree(db);
    const { actor: staff } = await buildUser(db, [grant('staff', org.east.id)]);
    await expect(
      createPerson({ unitId: org.eastGrid1.id, name: '新人' }, depsAs(staff)),
    ).rejects.toMatchObject({ code: 'auth.forbidden' });
    await expect(listUsers({ page: 1, pageSize: 10 }, depsAs(staff))).rejects.toMatchObject({
      code: 'auth.forbidden',
    });
    expect((await listPeople({ ...page }, depsAs(staff))).total).toBe(2);
  });

  it('moves a subtree: its people follow it into the new branch’s scope', async () => {
    const { db } = ctx();
    const org = await buildOrgTree(db);
    const { actor: westManager } = await buildUser(db, [grant('manager', org.west.id)]);
    const { actor: companyAdmin } = await buildUser(db, [grant('admin', org.company.id)]);
    const leaf = await buildUnit(db, { parentId: org.eastGrid1.id, kind: 'team' });
    await buildPerson(db, { unitId: leaf.id, name: '随迁员工' });

    await updateUnit({ unitId: org.eastGrid1.id, patch: { parentId: org.west.id } }, depsAs(companyAdmin));
    const westPeople = (await listPeople({ ...page }, depsAs(westManager))).items.map((p) => p.name).sort();
    expect(westPeople).toEqual(['周婷', '张伟', '随迁员工'].sort());
    const westUnits = (await listUnits(depsAs(westManager))).map((u) => u.id);
    expect(westUnits).toContain(leaf.id);

    await expect(
      updateUnit({ unitId: org.west.id, patch: { parentId: leaf.id } }, depsAs(companyAdmin)),
    ).rejects.toMatchObject({
      code: 'org.unit_cycle',
    });
  });

  it('refuses to delete a unit that still has people, and deletes an empty one', async () => {
    const { db } = ctx();
    const org = await buildOrgTree(db);
    await expect(deleteUnit({ unitId: org.eastGrid1.id }, systemDeps(db))).rejects.toMatchObject({
      code: 'org.unit_not_empty',
    });
    // Another module's row on the unit (a customer) holds it too, answered by the constraint: 409, not 500.
    const held = await buildUnit(db, { parentId: org.east.id, kind: 'team' });
    await createCustomer({ unitId: held.id, name: '业主' }, systemDeps(db));
    await expect(deleteUnit({ unitId: held.id }, systemDeps(db))).rejects.toMatchObject({
      code: 'org.unit_not_empty',
    });
    await expect(getUnit({ unitId: held.id }, systemDeps(db))).resolves.toMatchObject({ id: held.id });
    const empty = await buildUnit(db, { parentId: org.east.id, kind: 'team' });
    await deleteUnit({ unitId: empty.id }, systemDeps(db));
    await expect(getUnit({ unitId: empty.id }, systemDeps(db))).rejects.toMatchObject({
      code: 'org.unit_not_found',
    });
  });

  it('writes the audit row in the same transaction: a refused change leaves neither row nor audit', async () => {
    const { db } = ctx();
    const company = await buildUnit(db);
    const before = await listAuditEvents({ entity: 'unit', page: 1, pageSize: 200 }, systemDeps(db));
    await expect(
      createUnit({ parentId: company.id, code: company.code, name: '重复', kind: 'branch' }, systemDeps(db)),
    ).rejects.toMatchObject({ code: 'org.unit_code_taken' });
    const after = await listAuditEvents({ entity: 'unit', page: 1, pageSize: 200 }, systemDeps(db));
    expect(after.total).toBe(before.total);

    const renamed = await updateUnit({ unitId: company.id, patch: { name: '新名称' } }, systemDeps(db));
    const trail = await listAuditEvents(
      { entity: 'unit', entityId: String(company.id), page: 1, pageSize: 10 },
      systemDeps(db),
    );
    expect(trail.items[0]).toMatchObject({
      action: 'unit.update',
      before: { name: company.name },
      after: { name: renamed.name },
    });
  });

  it('lets an admin grant roles only inside his own scope', async () => {
    const { db } = ctx();
    const org = await buildOrgTree(db);
    const { actor: eastAdmin } = await buildUser(db, [grant('admin', org.east.id)]);
    await expect(
      createUser(
        {
          username: `west-${Date.now()}`,
          displayName: 'x',
          password: 'long enough pw',
          grants: [grant('staff', org.westGrid1.id)],
        },
        depsAs(eastAdmin),
      ),
    ).rejects.toMatchObject({ code: 'org.grant_outside_scope' });

    const created = await createUser(
      {
        username: `east-${Date.now()}`,
        displayName: '东区员工',
        password: 'long enough pw',
        grants: [grant('staff', org.eastGrid1.id)],
      },
      depsAs(eastAdmin),
    );
    // A grant held outside the admin's scope survives his edit of the user's grants.
    await updateUser(
      {
        userId: created.id,
        patch: { grants: [grant('staff', org.eastGrid1.id), grant('viewer', org.westGrid1.id)] },
      },
      systemDeps(db),
    );
    const edited = await updateUser(
      { userId: created.id, patch: { grants: [grant('manager', org.eastGrid2.id)] } },
      depsAs(eastAdmin),
    );
    expect(edited.grants.map((g) => `${g.role}@${g.unitId}`).sort()).toEqual(
      [`viewer@${org.westGrid1.id}`, `manager@${org.eastGrid2.id}`].sort(),
    );
  });

  it('links a person to at most one user', async () => {
    const { db } = ctx();
    const org = await buildOrgTree(db);
    await buildUser(db, [], { personId: org.people.eastGrid1.id });
    await expect(buildUser(db, [], { personId: org.people.eastGrid1.id })).rejects.toMatchObject({
      code: 'org.person_already_linked',
    });
  });

  it('sees unit changes made through another handle (another process) on the next read', async () => {
    const { db, options } = ctx();
    const other = createDatabase(options);
    onTestFinished(() => other.destroy());
    const org = await buildOrgTree(db);
    const { actor } = await buildUser(db, [grant('viewer', org.east.id)]);
    const before = await listUnits(depsAs(actor)); // loads this handle's snapshot
    const added = await createUnit(
      { parentId: org.eastGrid1.id, code: `OTHER-${Date.now()}`, name: '另一进程', kind: 'team' },
      systemDeps(other),
    );
    const after = await listUnits(depsAs(actor));
    expect(after.map((u) => u.id)).toEqual([...before.map((u) => u.id), added.id]);
    await updateUnit({ unitId: org.eastGrid1.id, patch: { parentId: org.west.id } }, systemDeps(other));
    expect((await listUnits(depsAs(actor))).map((u) => u.id).sort()).toEqual(
      [org.east.id, org.eastGrid2.id].sort(),
    );
  });

  it('lets only an organisation-wide admin create a top-level unit', async () => {
    const { db } = ctx();
    const org = await buildOrgTree(db);
    const { actor: branchAdmin } = await buildUser(db, [grant('admin', org.east.id)]);
    await expect(
      createUnit(
        { parentId: null, code: `TOP-${Date.now()}`, name: '顶级', kind: 'company' },
        depsAs(branchAdmin),
      ),
    ).rejects.toMatchObject({ code: 'org.root_forbidden' });
    // Other files' companies exist in this database too, so grant on every top-level unit.
    const tops = (await listUnits(systemDeps(db))).filter((u) => u.parentId === null);
    const { actor: groupAdmin } = await buildUser(
      db,
      tops.map((u) => grant('admin', u.id)),
    );
    const top = await createUnit(
      { parentId: null, code: `TOP2-${Date.now()}`, name: '新集团', kind: 'company' },
      depsAs(groupAdmin),
    );
    expect(top.parentId).toBeNull();
  });

  it('searches people with % and _ taken literally', async () => {
    const { db } = ctx();
    const unit = await buildUnit(db);
    const literal = await buildPerson(db, { unitId: unit.id, name: '完成率_100%' });
    await buildPerson(db, { unitId: unit.id, name: '完成率A100X' });
    const found = await listPeople({ ...page, unitId: unit.id, q: '率_100%' }, systemDeps(db));
    expect(found.items.map((p) => p.id)).toEqual([literal.id]);
    expect((await listPeople({ ...page, unitId: unit.id, q: '完成率' }, systemDeps(db))).total).toBe(2);
  });
});
