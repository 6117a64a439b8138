import { sql } from 'kysely';
import { expect, it, onTestFinished } from 'vitest';
import { createTestDatabase, describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildUnit, systemDeps } from '../../../test/helpers/factories.js';
import type { Db } from '../../platform/db/database.js';
import { dialectOf } from '../../platform/db/database.js';
import { updateUnit } from '../org/units.service.js';
import { verifyAuditChain } from './audit.service.js';

/** What an attacker with database access would do: switch the append-only guard off first. */
const withoutGuard = async (db: Db, work: () => Promise<unknown>) => {
  if (dialectOf(db) === 'postgres') {
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(db);
    await work();
    await sql`alter table audit_log enable trigger audit_log_no_change`.execute(db);
  } else {
    await sql`drop trigger audit_log_no_update`.execute(db);
    await sql`drop trigger audit_log_no_delete`.execute(db);
    await work();
    await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(
      db,
    );
    await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(
      db,
    );
  }
};

describeEachDialect('audit log', (ctx) => {
  it('chains every change and verifies clean', async () => {
    const { db } = ctx();
    const unit = await buildUnit(db);
    await updateUnit({ unitId: unit.id, patch: { name: '改名一' } }, systemDeps(db));
    await updateUnit({ unitId: unit.id, patch: { name: '改名二' } }, systemDeps(db));
    const result = await verifyAuditChain({}, { db });
    expect(result.ok).toBe(true);
    expect(result.rows).toBeGreaterThanOrEqual(3);
  });

  it('refuses updates and deletes at the storage level', async () => {
    const { db } = ctx();
    await buildUnit(db);
    await expect(db.updateTable('auditLog').set({ actorName: 'mallory' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom('auditLog').execute()).rejects.toThrow(/append-only/);
  });

  it('names an edited row and a deleted row', async () => {
    // Its own database: the tampering must not leak into the other tests of this file.
    const own = await createTestDatabase(ctx().dialect);
    const { db } = own;
    onTestFinished(() => own.destroy());
    const unit = await buildUnit(db);
    for (const name of ['a', 'b', 'c', 'd'])
      await updateUnit({ unitId: unit.id, patch: { name } }, systemDeps(db));
    const rows = await db.selectFrom('auditLog').select(['id']).orderBy('id').execute();
    const edited = rows[1]!.id;
    const deleted = rows[3]!.id;
    await withoutGuard(db, async () => {
      await db
        .updateTable('auditLog')
        .set({ afterJson: '{"name":"forged"}' })
        .where('id', '=', edited)
        .execute();
      await db.deleteFrom('auditLog').where('id', '=', deleted).execute();
    });
    const result = await verifyAuditChain({ batchSize: 2 }, { db }); // small batches cross the batch boundary
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ id: edited, problem: 'edited' }));
    expect(result.problems).toContainEqual(
      expect.objectContaining({ id: deleted + 1, problem: 'missing_before' }),
    );
    expect(result.problems.map((p) => p.id)).not.toContain(rows[0]!.id);
  });

  it('keeps the chain linear under concurrent writers', async () => {
    const { db } = ctx();
    const unit = await buildUnit(db);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateUnit({ unitId: unit.id, patch: { sortOrder: i } }, systemDeps(db)),
      ),
    );
    expect((await verifyAuditChain({}, { db })).ok).toBe(true);
  });
});
