import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Actor, ScopeRoots } from '../../platform/access.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Executor } from '../../platform/db/database.js';
import { isForeignKeyViolation } from '../../platform/db/database.js';
import type { Deps } from '../../platform/deps.js';
import { recordAudit } from '../audit/audit.service.js';
import type { CreateUnitInput, Unit, UnitKind, UpdateUnitInput } from './org.schema.js';
import { ZCreateUnitInput } from './org.schema.js';
import * as unitsRepo from './units.repo.js';
import type { UnitRow } from './units.repo.js';
import { unitsInScope } from './unit-tree.cache.js';

export const toUnit = (row: UnitRow): Unit => ({
  id: row.id,
  parentId: row.parentId,
  code: row.code,
  name: row.name,
  nameEn: row.nameEn,
  kind: row.kind as UnitKind,
  sortOrder: row.sortOrder,
  active: row.active === 1,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** Every unit the actor may read, flat, ordered for display (sort order, then id). */
export const listUnits = async ({ db, actor }: Pick<Deps, 'db' | 'actor'>): Promise<Unit[]> =>
  unitsInScope(db, requirePermission(actor, 'org.read'), toUnit);

export const getUnit = async ({ unitId }: { unitId: number }, { db, actor }: Pick<Deps, 'db' | 'actor'>) => {
  const row = await unitsRepo.findUnit(db, unitId, requirePermission(actor, 'org.read'));
  if (!row) throw new AppError('org.unit_not_found', { unitId });
  return toUnit(row);
};

/**
 * Roots that cover every top-level unit mean the whole organisation: 'all'. Such an admin
 * may create top-level units and manage users not yet linked to any unit.
 */
export const widenToOrganisation = async (db: Executor, roots: ScopeRoots): Promise<ScopeRoots> => {
  if (roots === 'all') return roots;
  const topLevel = await unitsRepo.rootUnitIds(db);
  return topLevel.length > 0 && topLevel.every((id) => roots.includes(id)) ? 'all' : roots;
};

const requireWritableUnit = async (db: Deps['db'], unitId: number, actor: Actor) => {
  const row = await unitsRepo.findUnit(db, unitId, requirePermission(actor, 'org.write'));
  if (!row) throw new AppError('org.unit_not_found', { unitId });
  return row;
};

const requireFreeCode = async (db: Deps['db'], code: string, exceptId?: number) => {
  const existing = await unitsRepo.findUnitByCode(db, code);
  if (existing && existing.id !== exceptId) throw new AppError('org.unit_code_taken', { code });
};

/** Creates a unit under a parent the actor may change; top-level units need an organisation-wide admin. */
export const createUnit = async (input: CreateUnitInput, { db, clock, actor }: Deps): Promise<Unit> => {
  const values = ZCreateUnitInput.parse(input);
  requirePermission(actor, 'org.write');
  return db.transaction().execute(async (tx) => {
    if (values.parentId === null) {
      if ((await widenToOrganisation(tx, scopeRoots(actor, 'users.manage'))) !== 'all') {
        throw new AppError('org.root_forbidden');
      }
    } else {
      await requireWritableUnit(tx, values.parentId, actor);
    }
    await requireFreeCode(tx, values.code);
    const now = clock.now().toISOString();
    const row = await unitsRepo.insertUnit(tx, {
      parentId: values.parentId,
      code: values.code,
      name: values.name,
      nameEn: values.nameEn ?? null,
      kind: values.kind,
      sortOrder: values.sortOrder,
      active: 1,
      createdAt: now,
      updatedAt: now,
    });
    await unitsRepo.bumpTreeVersion(tx);
    const unit = toUnit(row);
    await recordAudit(
      tx,
      { action: 'unit.create', entity: 'unit', entityId: unit.id, unitId: unit.id, after: unit },
      { actor, clock },
    );
    return unit;
  });
};

/** Changes a unit; moving it needs write access to the new parent too and may not create a cycle. */
export const updateUnit = async (
  { unitId, patch }: { unitId: number; patch: UpdateUnitInput },
  { db, clock, actor }: Deps,
): Promise<Unit> =>
  db.transaction().execute(async (tx) => {
    const current = await requireWritableUnit(tx, unitId, actor);
    if (patch.code !== undefined && patch.code !== current.code)
      await requireFreeCode(tx, patch.code, unitId);
    const moving = patch.parentId !== undefined && patch.parentId !== current.parentId;
    if (moving) {
      const newParentId = patch.parentId as number;
      await requireWritableUnit(tx, newParentId, actor);
      if (await unitsRepo.isInSubtree(tx, unitId, newParentId))
        throw new AppError('org.unit_cycle', { unitId, parentId: newParentId });
    }
    const { active, nameEn, ...rest } = patch;
    const row = await unitsRepo.updateUnit(tx, unitId, {
      ...rest,
      ...(nameEn !== undefined ? { nameEn: nameEn ?? null } : {}),
      ...(active !== undefined ? { active: active ? 1 : 0 } : {}),
      updatedAt: clock.now().toISOString(),
    });
    if (moving) await unitsRepo.moveSubtree(tx, unitId, patch.parentId as number);
    await unitsRepo.bumpTreeVersion(tx);
    const unit = toUnit(row);
    await recordAudit(
      tx,
      {
        action: moving ? 'unit.move' : 'unit.update',
        entity: 'unit',
        entityId: unitId,
        unitId,
        before: toUnit(current),
        after: unit,
      },
      { actor, clock },
    );
    return unit;
  });

/** Deletes an empty unit (no sub-units, people or grants). */
export const deleteUnit = async ({ unitId }: { unitId: number }, { db, clock, actor }: Deps): Promise<void> =>
  db.transaction().execute(async (tx) => {
    const current = await requireWritableUnit(tx, unitId, actor);
    if ((await unitsRepo.countDependents(tx, unitId)) > 0)
      throw new AppError('org.unit_not_empty', { unitId });
    // Recorded against the parent: the unit is gone, and readers of the parent's subtree should see why.
    await recordAudit(
      tx,
      {
        action: 'unit.delete',
        entity: 'unit',
        entityId: unitId,
        unitId: current.parentId,
        before: toUnit(current),
      },
      { actor, clock },
    );
    try {
      await unitsRepo.deleteUnit(tx, unitId);
    } catch (error) {
      // Other modules' rows (customers, cases, webhook endpoints …) reference units with ON DELETE
      // RESTRICT; the org module does not read their tables, the constraint answers for them.
      if (isForeignKeyViolation(error)) throw new AppError('org.unit_not_empty', { unitId });
      throw error;
    }
    await unitsRepo.bumpTreeVersion(tx);
  });

/**
 * Whether the actor holds `permission` on the unit (through a grant on it or an ancestor).
 * Other modules call this instead of reading the closure table.
 */
export const canAccessUnit = async (
  { unitId, permission }: { unitId: number; permission: Parameters<typeof scopeRoots>[1] },
  { db, actor }: Pick<Deps, 'db' | 'actor'>,
): Promise<boolean> => {
  const roots = scopeRoots(actor, permission);
  if (roots !== 'all' && roots.length === 0) return false;
  return (await unitsRepo.findUnit(db, unitId, roots)) !== undefined;
};

/** A unit by its code, within the actor's read scope (the CLI names units by code). */
export const getUnitByCode = async (
  { code }: { code: string },
  deps: Pick<Deps, 'db' | 'actor'>,
): Promise<Unit> => {
  const found = await unitsRepo.findUnitByCode(deps.db, code);
  if (!found) throw new AppError('org.unit_not_found', { code });
  return getUnit({ unitId: found.id }, deps);
};

/** Whether a unit lies inside the scope roots (answered from the cached tree: no query when fresh). */
export const isUnitInScope = async (
  { unitId, roots }: { unitId: number; roots: ScopeRoots },
  { db }: { db: Executor },
): Promise<boolean> => {
  if (roots === 'all') return (await unitsInScope(db, 'all', toUnit)).some((u) => u.id === unitId);
  if (roots.length === 0) return false;
  return (await unitsInScope(db, roots, toUnit)).some((u) => u.id === unitId);
};

/** A unit and every unit under it (answered from the cached tree). */
export const unitsUnder = async ({ unitId }: { unitId: number }, { db }: { db: Executor }): Promise<Unit[]> =>
  unitsInScope(db, [unitId], toUnit);

/** Names of units by id, from the cached tree. */
export const unitNames = async ({ db }: { db: Executor }): Promise<Map<number, string>> =>
  new Map((await unitsInScope(db, 'all', toUnit)).map((u) => [u.id, u.name]));

/** The parent of a unit (null at the top), from the cached tree. */
export const parentUnitIdOf = async (
  { unitId }: { unitId: number },
  { db }: { db: Executor },
): Promise<number | null> =>
  (await unitsInScope(db, 'all', toUnit)).find((u) => u.id === unitId)?.parentId ?? null;

/** Every unit inside the scope roots (from the cached tree), for imports that name units by code. */
export const unitsWithin = async (
  { roots }: { roots: ScopeRoots },
  { db }: { db: Executor },
): Promise<Unit[]> => (roots !== 'all' && roots.length === 0 ? [] : unitsInScope(db, roots, toUnit));
