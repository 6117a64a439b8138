import type { Selectable } from 'kysely';
import { requirePermission, scopeRoots } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import { AppError } from '../../platform/errors/app-error.js';
import { recordAudit } from '../audit/audit.service.js';
import type { ImportMode } from './import-runner.js';
import type { ImportTargetDefinition, ImportTargetRegistry } from './import-target.js';
import { givenOptions } from './import-target.js';
import type { ImportProfile, PutImportProfileInput } from './imports.schema.js';
import { ZPutImportProfileInput } from './imports.schema.js';
import type { ImportProfileTable } from './imports.tables.js';

/*
 * Import profiles (导入方案): a named way of importing files from one source — the target, which
 * header holds which field, the mode and the target's options — saved after a first import so that
 * next month's file from the same system imports without mapping it again. A profile is shared: any
 * user who may import into its target may use, replace or delete it.
 */

export type ImportsDeps = Deps & { targets: ImportTargetRegistry };

export const requireTarget = (targets: ImportTargetRegistry, key: string): ImportTargetDefinition => {
  const target = Object.hasOwn(targets, key) ? targets[key] : undefined;
  if (!target)
    throw new AppError('imports.unknown_target', {
      target: key,
      targets: Object.keys(targets),
      field: 'target',
    });
  return target;
};

const mayImport = (deps: ImportsDeps, target: string) => {
  const definition = Object.hasOwn(deps.targets, target) ? deps.targets[target] : undefined;
  if (!definition) return false;
  const roots = scopeRoots(deps.actor, definition.permission);
  return roots === 'all' || roots.length > 0;
};

const toProfile = (row: Selectable<ImportProfileTable>): ImportProfile => ({
  name: row.name,
  target: row.target,
  mapping: JSON.parse(row.mappingJson) as Record<string, string | number>,
  mode: row.mode as ImportMode,
  options: JSON.parse(row.optionsJson) as Record<string, unknown>,
  createdByUserId: row.createdByUserId,
  createdAt: row.createdAt,
  updatedByUserId: row.updatedByUserId,
  updatedAt: row.updatedAt,
});

/** The profiles of the targets the actor may import into, by name. */
export const listImportProfiles = async (deps: ImportsDeps): Promise<ImportProfile[]> =>
  (await deps.db.selectFrom('importProfiles').selectAll().orderBy('name').execute())
    .filter((r) => mayImport(deps, r.target))
    .map(toProfile);

/** One profile; `imports.profile_not_found` when absent or of a target the actor may not import into. */
export const getImportProfile = async (
  { name }: { name: string },
  deps: ImportsDeps,
): Promise<ImportProfile> => {
  const row = await deps.db
    .selectFrom('importProfiles')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row || !mayImport(deps, row.target)) throw new AppError('imports.profile_not_found', { name });
  return toProfile(row);
};

/** Creates the profile, or replaces the one of that name; the options are checked against the target's. */
export const putImportProfile = async (
  { name, profile }: { name: string; profile: PutImportProfileInput },
  deps: ImportsDeps,
): Promise<{ profile: ImportProfile; created: boolean }> => {
  const { db, clock, actor } = deps;
  const values = ZPutImportProfileInput.parse(profile);
  const target = requireTarget(deps.targets, values.target);
  requirePermission(actor, target.permission);
  const options = target.options.parse(givenOptions(values.options));
  return db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('importProfiles')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (before && !mayImport(deps, before.target)) throw new AppError('imports.profile_not_found', { name });
    const now = clock.now().toISOString();
    const row = {
      target: target.key,
      mappingJson: JSON.stringify(values.mapping),
      mode: values.mode,
      optionsJson: JSON.stringify(options),
      updatedByUserId: actor.userId,
      updatedAt: now,
    };
    const saved = before
      ? await tx
          .updateTable('importProfiles')
          .set(row)
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await tx
          .insertInto('importProfiles')
          .values({ name, ...row, createdByUserId: actor.userId, createdAt: now })
          .returningAll()
          .executeTakeFirstOrThrow();
    const after = toProfile(saved);
    await recordAudit(
      tx,
      {
        action: before ? 'import_profile.update' : 'import_profile.create',
        entity: 'import_profile',
        entityId: saved.id,
        before: before ? toProfile(before) : null,
        after,
      },
      { actor, clock },
    );
    return { profile: after, created: !before };
  });
};

export const deleteImportProfile = async ({ name }: { name: string }, deps: ImportsDeps): Promise<void> => {
  const { db, clock, actor } = deps;
  await db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('importProfiles')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!before || !mayImport(deps, before.target)) throw new AppError('imports.profile_not_found', { name });
    await recordAudit(
      tx,
      {
        action: 'import_profile.delete',
        entity: 'import_profile',
        entityId: before.id,
        before: toProfile(before),
      },
      { actor, clock },
    );
    await tx.deleteFrom('importProfiles').where('id', '=', before.id).execute();
  });
};
