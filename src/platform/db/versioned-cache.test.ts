import { expect, it } from 'vitest';
import { describeEachDialect } from '../../../test/helpers/dialects.js';
import { buildUnit, systemDeps } from '../../../test/helpers/factories.js';
import { listUnits } from '../../modules/org/units.service.js';
import * as unitsRepo from '../../modules/org/units.repo.js';
import { systemActor } from '../access.js';

describeEachDialect('versioned caches across transactions', (ctx) => {
  it('never shares what a rolled-back transaction loaded, even when the next commit reuses its version', async () => {
    const { db } = ctx();
    const root = await buildUnit(db, { name: '总部' });
    const names = async () => (await listUnits(systemDeps(db))).map((u) => u.name);
    expect(await names()).toEqual(['总部']); // committed tree cached, shared
    await expect(
      db.transaction().execute(async (tx) => {
        const deps = { db: tx, actor: systemActor('test') };
        const now = new Date().toISOString();
        const values = { code: 'GHOST', name: '幽灵', nameEn: null, kind: 'team', sortOrder: 0, active: 1 };
        await unitsRepo.insertUnit(tx, { ...values, parentId: root.id, createdAt: now, updatedAt: now });
        await unitsRepo.bumpTreeVersion(tx);
        // Seen inside the transaction that made it…
        expect((await listUnits(deps)).map((u) => u.name)).toEqual(['总部', '幽灵']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // …then a real change takes the same version number with other content.
    await buildUnit(db, { parentId: root.id, name: '真实', kind: 'team' });
    expect(await names()).toEqual(['总部', '真实']);
    await db.transaction().execute(async (tx) => {
      expect((await listUnits({ db: tx, actor: systemActor('test') })).map((u) => u.name)).toEqual([
        '总部',
        '真实',
      ]);
    });
  });
});
